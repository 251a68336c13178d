package org.pilotline.analytics.spcstream;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.store.JdbcTagRegistry;
import org.pilotline.acquisition.testing.ReadingFixture;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.analytics.spc.SpcAlarm;
import org.pilotline.analytics.spc.WindowCapability;

/**
 * The verticle against a real PostgreSQL, fed real ReadingBatches on the bus: a step in one tag
 * becomes rows in spc_violation and messages on the bus; the other tags stay untouched.
 */
@Timeout(60)
class SpcVerticleIT {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final String A = "coating/coater/dryThickness";
  private static final String B = "coating/coater/webSpeed";
  private static final String C = "coating/coater/arealLoading";
  private static final String D = "coating/coater/wetThickness";
  private static final String E = "coating/coater/lineSpeed";
  private static final Line LINE = LineLoader.parse("""
      name: spc-it
      stations:
        - id: coating
          equipment:
            - id: coater
              endpointUrl: opc.tcp://127.0.0.1:4840/x
              tags:
                - {name: dryThickness, nodeId: "ns=2;s=a", spec: {lsl: -10, usl: 10}}
                - {name: webSpeed, nodeId: "ns=2;s=b", spec: {lsl: -10, usl: 10}}
                - {name: arealLoading, nodeId: "ns=2;s=c", spec: {lsl: 4, usl: 19}}
                - {name: wetThickness, nodeId: "ns=2;s=d"}
                - {name: lineSpeed, nodeId: "ns=2;s=e"}
      """, "line.yaml");
  private static final String SPC_YAML = """
      defaults:
        rules: [WE_1]
        ewma: false
        cusum: {k: 0.5, h: 5}
        holdOff: 30
      tags:
        - {tag: coating/coater/dryThickness, limits: {center: 0, sigma: 1}}
        - {tag: coating/coater/webSpeed, limits: {center: 0, sigma: 1}}
        - {tag: coating/coater/arealLoading}
        - {tag: coating/coater/wetThickness, limits: {center: 0, sigma: 1}}
      """;

  private static TestDatabase.Schema schema;
  private static Map<String, Integer> tagIds;
  private Vertx vertx;
  private SpcVerticle verticle;
  private final List<JsonObject> published = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> onePublished = new CompletableFuture<>();
  private final CompletableFuture<Void> twoPublished = new CompletableFuture<>();

  @BeforeAll
  static void migrate() throws Exception {
    schema = TestDatabase.createMigratedSchema("spc_verticle");
    tagIds = JdbcTagRegistry.register(schema.dataSource(), LINE);
  }

  @AfterAll
  static void drop() {
    TestDatabase.dropSchema(schema);
  }

  @BeforeEach
  void deploy() throws Exception {
    vertx = Vertx.vertx();
    LocalCodecs.register(vertx.eventBus());
    vertx.eventBus().<JsonObject>consumer(org.pilotline.analytics.Addresses.SPC_VIOLATIONS, m -> {
      published.add(m.body());
      onePublished.complete(null);
      if (published.size() >= 2) {
        twoPublished.complete(null);
      }
    });
    SpcConfig config = SpcConfigLoader.parse(SPC_YAML, "spc.yaml", LINE);
    verticle = new SpcVerticle(config, tagIds, new JdbcSpcViolationStore(schema.dataSource()),
        BaselineSource.of(schema.dataSource()), Clock.systemUTC(), 100, 500);
    await(vertx.deployVerticle(verticle));
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, SECONDS);
  }

  private static Reading good(String key, int second, double value) {
    return new Reading(tagIds.get(key), T0.plusSeconds(second), T0.plusSeconds(second), value, 0);
  }

  private void send(List<Reading> readings) {
    vertx.eventBus().publish(Addresses.READINGS, new ReadingBatch("coater", readings));
  }

  private static List<String> rows(String key) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select rule, ts, value, detail->>'tag' from spc_violation where tag_id = ? order by ts, rule")) {
      ps.setInt(1, tagIds.get(key));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1) + "@" + rs.getObject(2, java.time.OffsetDateTime.class).toInstant()
              + "=" + rs.getDouble(3) + " " + rs.getString(4));
        }
      }
    }
    return out;
  }

  @Test
  void aStepInOneTagIsStoredAndPublishedAndTheOtherTagsStayQuiet() throws Exception {
    // 50 quiet seconds for both charted tags, with a Bad reading and a NaN on B that would be
    // far beyond 3 sigma if they were used; then A steps to +5 sigma for 10 seconds.
    for (int s = 0; s < 50; s++) {
      double quiet = s % 2 == 0 ? 0.3 : -0.3;
      List<Reading> batch = new ArrayList<>(List.of(good(A, s, quiet), good(B, s, -quiet)));
      if (s == 20) {
        batch.add(new Reading(tagIds.get(B), T0.plusSeconds(20), null, 100.0, ReadingFixture.BAD));
        batch.add(good(B, 21, Double.NaN));
      }
      send(batch);
    }
    for (int s = 50; s < 60; s++) {
      send(List.of(good(A, s, 5.0), good(B, s, s % 2 == 0 ? 0.3 : -0.3)));
    }
    twoPublished.get(30, SECONDS);
    await(vertx.undeploy(verticle.deploymentID())); // writes whatever is still pending

    // WE_1 at the first stepped point; CUSUM: C+ = 4.5, then 9.0 > 5 at the second.
    assertEquals(List.of("WE_1@" + T0.plusSeconds(50) + "=5.0 " + A,
        "CUSUM_UP@" + T0.plusSeconds(51) + "=5.0 " + A), rows(A));
    assertEquals(List.of(), rows(B));
    assertEquals(List.of(), rows(C));
    assertEquals(List.of("WE_1", "CUSUM_UP"), published.stream().map(j -> j.getString("rule")).toList());
    JsonObject first = published.get(0);
    assertEquals(A, first.getString("tag"));
    assertEquals(T0.plusSeconds(50).toString(), first.getString("ts"));
    assertTrue(first.getLong("id") > 0);
    assertEquals(5.0, first.getJsonObject("figures").getDouble("zScore"), 1e-12);
    SpcMetrics m = verticle.metrics();
    assertEquals(122, m.readings());
    assertEquals(2, m.skipped());
    assertEquals(2, m.stored());
    assertEquals(0, m.lost());
    // The step lasts 10 points: each further firing of both rules is inside the hold-off.
    // WE_1 fires on all 10 (9 held back); CUSUM signals at 51, 53, 55, 57, 59 (4 held back).
    assertEquals(9 + 4, m.heldBack());
  }

  @Test
  void storingTheSameViolationsAgainAddsNoRowAndReturnsNothing() throws Exception {
    for (int s = 0; s < 5; s++) {
      send(List.of(good(D, 1000 + s, 0.1)));
    }
    send(List.of(good(D, 1005, -4.0)));
    onePublished.get(30, SECONDS); // published after its row is committed
    await(vertx.undeploy(verticle.deploymentID()));
    List<String> before = rows(D);
    assertEquals(List.of("WE_1@" + T0.plusSeconds(1005) + "=-4.0 " + D), before);

    JsonObject j = published.get(0);
    JdbcSpcViolationStore store = new JdbcSpcViolationStore(schema.dataSource());
    SpcViolation again = new SpcViolation(null, j.getInteger("tagId"), j.getString("tag"),
        new SpcAlarm(j.getString("rule"), "replayed", Instant.parse(j.getString("ts")), -4.0,
            Map.of(), List.of(-4.0)), Instant.now());
    assertEquals(List.of(), store.store(List.of(again, again)));
    assertEquals(before, rows(D));
  }

  @Test
  void limitsFromAStoredBaselineWindowJudgeTheLiveStream() throws Exception {
    // Stored: 40 readings alternating 99.5 / 100.5 (mean 100, moving range 1, sigma 1/1.128),
    // plus a Bad reading and a NaN that must not count, and one outside the window.
    Instant from = T0.plusSeconds(3000);
    List<Reading> history = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      history.add(good(E, 3000 + i, i % 2 == 0 ? 99.5 : 100.5));
    }
    history.add(new Reading(tagIds.get(E), from.plusMillis(500), null, null, ReadingFixture.BAD));
    history.add(good(E, 3040, Double.NaN));
    history.add(good(E, 3100, 1000.0)); // after baselineTo
    ReadingFixture.insert(schema.dataSource(), history, 50);
    SpcConfig config = SpcConfigLoader.parse("""
        tags:
          - tag: coating/coater/lineSpeed
            limits: {baselineFrom: "%s", baselineTo: "%s"}
            rules: [WE_1]
            ewma: false
            cusum: false
        """.formatted(from, from.plusSeconds(60)), "spc.yaml", LINE);
    SpcVerticle stored = new SpcVerticle(config, tagIds, new JdbcSpcViolationStore(schema.dataSource()),
        BaselineSource.of(schema.dataSource()), Clock.systemUTC(), 100, 500);
    await(vertx.deployVerticle(stored));

    // UCL = 100 + 3/1.128 = 102.66: 102.5 is inside, 102.8 beyond.
    send(List.of(good(E, 4000, 102.5)));
    send(List.of(good(E, 4001, 102.8)));
    onePublished.get(30, SECONDS);
    await(vertx.undeploy(stored.deploymentID()));
    assertEquals(List.of("WE_1@" + T0.plusSeconds(4001) + "=102.8 " + E), rows(E));
    JsonObject figures = published.get(0).getJsonObject("figures");
    assertEquals(100.0, figures.getDouble("center"), 1e-9);
    assertEquals(1 / 1.128, figures.getDouble("sigma"), 1e-9);
  }

  @Test
  void aStoredBaselineWithoutReadingsFailsTheDeploymentNamingTheTag() throws Exception {
    SpcConfig config = SpcConfigLoader.parse("""
        tags:
          - {tag: coating/coater/lineSpeed, limits: {baselineFrom: "2020-01-01T00:00:00Z", baselineTo: "2020-01-02T00:00:00Z"}}
        """, "spc.yaml", LINE);
    SpcVerticle empty = new SpcVerticle(config, tagIds, new JdbcSpcViolationStore(schema.dataSource()),
        BaselineSource.of(schema.dataSource()), Clock.systemUTC(), 100, 500);
    Throwable failure = vertx.deployVerticle(empty).toCompletionStage().toCompletableFuture()
        .handle((id, e) -> e).get(30, SECONDS);
    assertTrue(failure != null && failure.getMessage().contains("SPC tag " + E + ": stored baseline"),
        String.valueOf(failure));
  }

  @Test
  void cpkAndPpkOfATagWithSpecLimitsOnly() throws Exception {
    double[] values = {9, 11, 10, 12, 8, 10};
    for (int i = 0; i < values.length; i++) {
      send(List.of(good(C, 2000 + i, values[i])));
    }
    WindowCapability c = null;
    long deadline = System.nanoTime() + SECONDS.toNanos(20);
    // Each refresh is a round trip through the verticle's context, behind the readings sent.
    while (c == null || c.capability().n() < values.length) {
      assertTrue(System.nanoTime() < deadline, "capability table never saw the 6 values: " + c);
      c = await(verticle.refreshCapabilitiesAsync()).stream()
          .filter(w -> w.tagKey().equals(C)).findFirst().orElse(null);
    }
    assertEquals(1.0254545, c.capability().cpk(), 1e-6);
    assertEquals(1.4142136, c.capability().ppk(), 1e-6);
    assertEquals(T0.plusSeconds(2000), c.from());
  }
}
