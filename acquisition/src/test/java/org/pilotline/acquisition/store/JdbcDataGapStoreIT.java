package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.DataGap;
import org.pilotline.acquisition.testing.TestDatabase;

class JdbcDataGapStoreIT {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00.123456Z");
  private static TestDatabase.Schema schema;
  private static JdbcDataGapStore store;

  @BeforeAll
  static void migrate() throws SQLException {
    schema = TestDatabase.createSchema("datagap");
    SchemaMigrator.migrate(schema.dataSource(), schema.name());
    store = new JdbcDataGapStore(schema.dataSource());
  }

  @AfterAll
  static void drop() {
    if (schema != null) {
      schema.close();
    }
  }

  @BeforeEach
  void empty() throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("truncate data_gap");
    }
  }

  @Test
  void recordedGapReadsBackWithMicrosecondTimes() throws SQLException {
    DataGap gap = new DataGap("coating", "coater", T0, T0.plusSeconds(20), T0.plusMillis(250), "sessionInactive");

    store.record(gap);

    assertEquals(List.of(gap), store.since(T0));
  }

  // The client may hand the same gap over again (a retry); it must stay one row.
  @Test
  void recordingTheSameGapAgainKeepsOneRow() throws SQLException {
    DataGap gap = new DataGap("coating", "coater", T0, T0.plusSeconds(20), T0.plusMillis(250), "sessionInactive");

    store.record(gap);
    store.record(gap);

    assertEquals(1, store.since(Instant.EPOCH).size());
  }

  @Test
  void sinceReturnsGapsStartingAtOrAfterItOldestFirst() throws SQLException {
    DataGap early = new DataGap("mixing", "mixer", T0, T0.plusSeconds(1), T0, "watchdog");
    DataGap late = new DataGap("coating", "coater", T0.plusSeconds(60), T0.plusSeconds(90), T0.plusSeconds(61), "transferFailed");
    store.record(late);
    store.record(early);

    assertEquals(List.of(early, late), store.since(T0));
    assertEquals(List.of(late), store.since(T0.plusSeconds(1)));
  }

  @Test
  void tableRefusesAGapThatEndsBeforeItStarts() throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement()) {
      assertThrows(SQLException.class, () -> s.execute(
          "insert into data_gap (station, equipment, from_ts, to_ts, detected_at, reason)"
              + " values ('a', 'b', now(), now() - interval '1 second', now(), 'x')"));
    }
  }
}
