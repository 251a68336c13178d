package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Quality;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.testing.TestDatabase;

class JdbcTagRegistryIT {
  private static TestDatabase.Schema schema;

  @BeforeAll
  static void migrate() throws SQLException {
    schema = TestDatabase.createMigratedSchema("tags");
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  private static Line line(String dewPointNode, SpecLimits dewPointSpec) {
    Tag dewPoint = new Tag("dewPoint", dewPointNode, "°C", 500, 10, 0, dewPointSpec, null);
    Tag h2s = new Tag("h2s", "ns=2;s=h2s", "ppm", 500, 10, 0, SpecLimits.NONE, null);
    Tag speed = new Tag("speed", "ns=2;s=speed", "rpm", 100, 10, 0, new SpecLimits(100.0, 200.0, 150.0), null);
    return new Line("demo", List.of(
        new Station("dryRoom", "Dry room", List.of(new Equipment("dryRoomPlc", "opc.tcp://127.0.0.1:4840/dryRoom",
            EndpointSecurity.NONE, 500, List.of(dewPoint, h2s), List.of()))),
        new Station("mixing", "Mixing", List.of(new Equipment("mixer", "opc.tcp://127.0.0.1:4840/mixing",
            EndpointSecurity.NONE, 500, List.of(speed), List.of())))));
  }

  @BeforeEach
  void empty() throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("truncate tag, reading restart identity");
    }
  }

  @Test
  void registeringAgainKeepsIdsAndFollowsTheModel() throws SQLException {
    Map<String, Integer> first = JdbcTagRegistry.register(schema.dataSource(), line("ns=2;s=dew", SpecLimits.NONE));
    assertEquals(List.of("dryRoom/dryRoomPlc/dewPoint", "dryRoom/dryRoomPlc/h2s", "mixing/mixer/speed"),
        List.copyOf(first.keySet()));

    Map<String, Integer> second = JdbcTagRegistry.register(schema.dataSource(),
        line("nsu=urn:pilotline:sim;s=dryRoom/dryRoomPlc/dewPoint", new SpecLimits(null, -40.0, null)));

    assertEquals(first, second);
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("select node_id, lsl, usl from tag where name = 'dewPoint'")) {
      rs.next();
      assertEquals("nsu=urn:pilotline:sim;s=dryRoom/dryRoomPlc/dewPoint", rs.getString(1));
      assertEquals(null, rs.getObject(2));
      assertEquals(-40.0, rs.getDouble(3));
    }
    List<LatestValue> none = ReadingQueries.latestPerTag(schema.dataSource());
    assertEquals(List.of(), none, "tags without readings have no latest value");
  }

  @Test
  void latestPerTagIsTheNewestBySourceTime() throws Exception {
    Map<String, Integer> ids = JdbcTagRegistry.register(schema.dataSource(), line("ns=2;s=dew", SpecLimits.NONE));
    int dew = ids.get("dryRoom/dryRoomPlc/dewPoint");
    int speed = ids.get("mixing/mixer/speed");
    Instant t = Instant.parse("2026-04-01T10:00:00Z");
    new CopyReadingWriter(schema.dataSource()).write(List.of(
        new Reading(dew, t.plusSeconds(2), t.plusSeconds(2), -45.5, 0L),
        new Reading(dew, t.plusSeconds(1), t.plusSeconds(9), -41.0, 0L),
        new Reading(speed, t, null, null, 0x8034_0000L)));

    List<LatestValue> latest = ReadingQueries.latestPerTag(schema.dataSource());

    assertEquals(List.of(
            new LatestValue(dew, "dryRoom/dryRoomPlc/dewPoint", "dryRoom", "dryRoomPlc", "dewPoint", "°C",
                t.plusSeconds(2), t.plusSeconds(2), -45.5, 0L, Quality.GOOD),
            new LatestValue(speed, "mixing/mixer/speed", "mixing", "mixer", "speed", "rpm",
                t, null, null, 0x8034_0000L, Quality.BAD)),
        latest);
  }
}
