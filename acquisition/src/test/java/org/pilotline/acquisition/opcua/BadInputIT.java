package org.pilotline.acquisition.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Quality;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.store.CopyReadingWriter;
import org.pilotline.acquisition.store.ReadingWriterVerticle;
import org.pilotline.acquisition.store.WriterConfig;
import org.pilotline.acquisition.store.WriterMetrics;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.TestDatabase;

/**
 * Values a real server may send on a numeric tag, and what ends in the database: each is stored
 * with the quality docs/RELIABILITY.md promises ("Bad inputs"), nothing crashes, and a well
 * behaved tag on the same subscription keeps flowing throughout. A real Milo server in this JVM,
 * {@link MiloEquipmentClient}, the reading writer and a real PostgreSQL.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BadInputIT {
  private static final String STATION = "bad";
  private static final long TYPE_MISMATCH = StatusCodes.Bad_TypeMismatch;
  /** A million characters: under Milo's default 2 MiB message limit, so it is delivered. */
  private static final int BIG = 1_000_000;
  /** Ten million characters: five times that limit; no server can send it in one message. */
  private static final int HUGE = 10_000_000;
  private static final List<String> NAMES = List.of("steady", "text", "bytes", "array", "structure", "dateTime",
      "nan", "plusInf", "minusInf", "big", "centuryAhead", "centuryBehind", "noSourceTime", "epoch1601",
      "noTimestamps", "afterBig");
  /** On an equipment of their own: the huge value stalls its whole subscription (see the test). */
  private static final List<String> HUGE_NAMES = List.of("huge", "hugeNeighbour");

  private static TestDatabase.Schema schema;
  private static MiloTestServer server;
  private static MiloTestServer hugeServer;
  private static Vertx vertx;
  private static ReadingWriterVerticle writer;
  private static MiloEquipmentClient client;
  private static MiloEquipmentClient hugeClient;
  private static final Map<String, Integer> ids = new LinkedHashMap<>();
  private static Instant t1;
  private static Instant steadyBefore;
  private static long steadyStoredAfter;

  @BeforeAll
  static void acquireBadValues() throws Exception {
    schema = TestDatabase.createMigratedSchema("badinput");
    Map<String, NodeId> variables = new LinkedHashMap<>();
    NAMES.forEach(n -> variables.put(n, NodeIds.Double));
    server = MiloTestServer.start(variables);
    Map<String, NodeId> hugeVariables = new LinkedHashMap<>();
    HUGE_NAMES.forEach(n -> hugeVariables.put(n, NodeIds.Double));
    // a server of its own, as each machine of a line has
    hugeServer = MiloTestServer.start(hugeVariables);
    List<Tag> tags = new ArrayList<>();
    Map<String, Integer> tagIds = new HashMap<>();
    for (int i = 0; i < NAMES.size(); i++) {
      String n = NAMES.get(i);
      tags.add(new Tag(n, MiloTestServer.nodeIdText(n), "", 50, 10, 0, SpecLimits.NONE, null));
      ids.put(n, 1 + i);
      tagIds.put(STATION + "/press/" + n, 1 + i);
    }
    vertx = Vertx.vertx();
    LocalCodecs.register(vertx.eventBus());
    writer = new ReadingWriterVerticle(new CopyReadingWriter(schema.dataSource()), new WriterConfig(500, 50, 10_000));
    await(vertx.deployVerticle(writer));
    client = new MiloEquipmentClient(
        new Equipment("press", server.endpointUrl(), EndpointSecurity.NONE, 100, tags, List.of()), STATION, tagIds);
    await(vertx.deployVerticle(client));
    List<Tag> hugeTags = new ArrayList<>();
    Map<String, Integer> hugeIds = new HashMap<>();
    for (int i = 0; i < HUGE_NAMES.size(); i++) {
      String n = HUGE_NAMES.get(i);
      hugeTags.add(new Tag(n, MiloTestServer.nodeIdText(n), "", 50, 10, 0, SpecLimits.NONE, null));
      ids.put(n, 101 + i);
      hugeIds.put(STATION + "/bigPress/" + n, 101 + i);
    }
    hugeClient = new MiloEquipmentClient(
        new Equipment("bigPress", hugeServer.endpointUrl(), EndpointSecurity.NONE, 100, hugeTags, List.of()), STATION, hugeIds);
    await(vertx.deployVerticle(hugeClient));

    t1 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    steadyBefore = t1;
    server.write("text", "not a number", t1);
    server.write("bytes", ByteString.of(new byte[] {1, 2, 3}), t1);
    server.write("array", new Double[] {1.0, 2.0}, t1);
    server.write("structure", ExtensionObject.of(ByteString.of(new byte[] {9, 9}), NodeIds.Range_Encoding_DefaultBinary), t1);
    server.write("dateTime", new DateTime(t1), t1);
    server.write("nan", Double.NaN, t1);
    server.write("plusInf", Double.POSITIVE_INFINITY, t1);
    server.write("minusInf", Double.NEGATIVE_INFINITY, t1);
    server.write("big", "x".repeat(BIG), t1);
    hugeServer.write("huge", "x".repeat(HUGE), t1);
    server.write("centuryAhead", 1.0, t1.plus(Duration.ofDays(36_525)));
    server.write("centuryBehind", 2.0, Instant.parse("1926-01-01T00:00:00Z"));
    server.writeRaw("noSourceTime", new DataValue(new Variant(3.0), StatusCode.GOOD, null, DateTime.now()));
    server.writeRaw("epoch1601", new DataValue(new Variant(4.0), StatusCode.GOOD, DateTime.NULL_VALUE, DateTime.now()));
    server.writeRaw("noTimestamps", new DataValue(new Variant(5.0), StatusCode.GOOD, null, null));
    server.write("afterBig", 6.0, t1);
    // the well-behaved tag goes on for two seconds after all of that
    for (int i = 1; i <= 20; i++) {
      Instant t = t1.plusMillis(100L * i);
      server.write("steady", (double) i, t);
      AcquisitionHarness.waitFor(Duration.ofMillis(100), () -> false);
    }
    assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(20), () -> {
      try {
        return count("tag_id = ? and ts > ?", ids.get("steady"), t1) >= 20
            && count("tag_id = ?", ids.get("afterBig"), null) >= 1;
      } catch (SQLException e) {
        return false;
      }
    }), "steady values stored: " + writer.metrics() + ", per tag: " + perTag());
    steadyStoredAfter = count("tag_id = ? and ts > ?", ids.get("steady"), t1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
    if (server != null) {
      server.close();
    }
    if (hugeServer != null) {
      hugeServer.close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void theWellBehavedTagKeepsFlowingAndNothingIsDroppedOrRejected() throws Exception {
    WriterMetrics m = writer.metrics();
    System.out.printf("bad input IT: steadyStoredAfterBadInputs=%d/20, received=%d, committed=%d, dropped=%d,"
            + " rejected=%d, quarantined=%d, recoveries=%d, gaps=%d, notifications=%d%n", steadyStoredAfter,
        m.received(), m.committed(), m.dropped(), m.rejected(), m.quarantined(), client.recoveries(),
        client.gapsDetected(), client.counters().notificationsReceived());
    assertEquals(20, steadyStoredAfter);
    assertEquals(0, m.dropped());
    assertEquals(0, m.rejected());
    assertEquals(0, m.quarantined());
    assertTrue(client.connected());
  }

  @Test
  void valuesOfTheWrongTypeAreStoredWithoutValueAsTypeMismatch() throws Exception {
    for (String n : List.of("text", "bytes", "array", "structure", "dateTime")) {
      Row r = last(n);
      assertNull(r.value, n);
      assertEquals(TYPE_MISMATCH, r.quality, n);
      assertEquals(t1, r.ts, n);
    }
  }

  // PostgreSQL's double precision holds NaN and the infinities: stored as sent, Good.
  @Test
  void nanAndInfinitiesAreStoredAsSent() throws Exception {
    assertTrue(last("nan").value.isNaN());
    assertEquals(Double.POSITIVE_INFINITY, last("plusInf").value);
    assertEquals(Double.NEGATIVE_INFINITY, last("minusInf").value);
    assertEquals(0L, last("plusInf").quality);
  }

  @Test
  void bigStringIsStoredAsATypeMismatch() throws Exception {
    Row r = last("big");
    assertNull(r.value);
    assertEquals(TYPE_MISMATCH, r.quality);
    assertNotNull(last("afterBig"));
  }

  // A known limit, measured here: a value bigger than the server's message limit cannot be sent
  // at all. Milo's server fails to encode the publish response and the subscription goes
  // silent; every new subscription gets the same current value first and stalls again. The
  // client does not crash: it sees watchdog outages and recovers again and again (visible in
  // /api/health as recoveries and an open outage); other equipment are not touched.
  @Test
  void valueBeyondTheServersMessageLimitStallsOnlyItsOwnEquipment() throws Exception {
    assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(20), () -> hugeClient.recoveries() >= 2),
        "recoveries=" + hugeClient.recoveries());
    System.out.printf("bad input IT: %d-char string: equipment recoveries=%d, outageOpen=%s, neighbour stored=%d;"
            + " other equipment steady stored=%d/20%n", HUGE, hugeClient.recoveries(), hugeClient.outageOpen(),
        count("tag_id = ?", ids.get("hugeNeighbour"), null), steadyStoredAfter);
    assertEquals(20, steadyStoredAfter);
  }

  // The equipment's clock is the equipment's: stored as sent, the server time beside it shows the skew.
  @Test
  void sourceTimesYearsAheadOrBehindAreStoredAsSentWithTheServerTime() throws Exception {
    Row ahead = last("centuryAhead");
    assertEquals(t1.plus(Duration.ofDays(36_525)), ahead.ts);
    assertNotNull(ahead.serverTs);
    Row behind = last("centuryBehind");
    assertEquals(Instant.parse("1926-01-01T00:00:00Z"), behind.ts);
    assertNotNull(behind.serverTs);
  }

  @Test
  void missingOr1601SourceTimeFallsBackToTheServerTime() throws Exception {
    for (String n : List.of("noSourceTime", "epoch1601")) {
      Row r = last(n);
      assertEquals(r.serverTs, r.ts, n);
      assertTrue(Duration.between(t1, r.ts).abs().toSeconds() < 60, n + " " + r.ts);
    }
    // neither: Milo's server stamps its own server time on the way out (so ts is that); a server
    // that does not leaves the client's receive time (DataValueConversionTest)
    Row none = last("noTimestamps");
    assertTrue(none.serverTs == null || none.serverTs.equals(none.ts), none.toString());
    assertTrue(Duration.between(t1, none.ts).abs().toSeconds() < 60, none.ts.toString());
  }

  private record Row(Instant ts, Double value, long quality, Instant serverTs) {}

  private static Row last(String name) throws SQLException {
    Row r = lastOrNull(name);
    assertNotNull(r, "no reading stored for " + name);
    return r;
  }

  private static Row lastOrNull(String name) throws SQLException {
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select ts, value, quality, server_ts from reading where tag_id = ? order by server_ts desc nulls last, ts desc limit 1")) {
      ps.setInt(1, ids.get(name));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        double v = rs.getDouble(2);
        Double value = rs.wasNull() ? null : v;
        OffsetDateTime server = rs.getObject(4, OffsetDateTime.class);
        return new Row(rs.getObject(1, OffsetDateTime.class).toInstant(), value, rs.getLong(3),
            server == null ? null : server.toInstant());
      }
    }
  }

  private static long count(String where, int tagId, Instant after) throws SQLException {
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("select count(*) from reading where " + where)) {
      ps.setInt(1, tagId);
      if (after != null) {
        ps.setObject(2, OffsetDateTime.ofInstant(after, java.time.ZoneOffset.UTC));
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String perTag() {
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("select tag_id, count(*), max(ts) from reading group by tag_id order by 1");
        ResultSet rs = ps.executeQuery()) {
      StringBuilder b = new StringBuilder();
      while (rs.next()) {
        b.append(rs.getInt(1)).append('=').append(rs.getLong(2)).append('@').append(rs.getString(3)).append(' ');
      }
      return b.toString();
    } catch (SQLException e) {
      return e.toString();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
