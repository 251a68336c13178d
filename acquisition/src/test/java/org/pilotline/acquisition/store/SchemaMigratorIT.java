package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.testing.TestDatabase;

class SchemaMigratorIT {
  private TestDatabase.Schema schema;

  @BeforeEach
  void createSchema() {
    schema = TestDatabase.createSchema("migrator");
  }

  @AfterEach
  void dropSchema() {
    schema.close();
  }

  @Test
  void serverWithoutTimescaleDbGetsPlainModeWithAllTables() throws SQLException {
    assertEquals(StorageMode.PLAIN, StorageModeProbe.probe(schema.dataSource()).mode(),
        "the test server has no timescaledb extension");

    assertEquals(StorageMode.PLAIN, SchemaMigrator.migrate(schema.dataSource(), schema.name()));

    assertEquals(
        List.of("anomaly", "app_user", "audit_log", "cell", "cell_feature", "cell_verdict", "data_gap",
            "flyway_schema_history", "genealogy", "material_lot", "model", "process_window",
            "quarantine_batch", "reading", "reading_1m", "reading_quarantine", "roll", "spc_violation",
            "spool_commit", "storage_mode", "tag"),
        strings("select table_name from information_schema.tables where table_schema = '"
            + schema.name() + "' order by 1"));
    assertEquals(List.of("PLAIN"), strings("select mode from storage_mode"));
    assertTrue(strings("select indexname from pg_indexes where schemaname = '" + schema.name() + "'")
        .containsAll(List.of("reading_tag_ts", "reading_ts_brin", "process_window_open_slot")));
  }

  @Test
  void migratingTwiceChangesNothing() throws SQLException {
    SchemaMigrator.migrate(schema.dataSource(), schema.name());
    List<String> history = strings("select version || ':' || success from flyway_schema_history order by installed_rank");

    assertEquals(StorageMode.PLAIN, SchemaMigrator.migrate(schema.dataSource(), schema.name()));

    assertEquals(history, strings("select version || ':' || success from flyway_schema_history order by installed_rank"));
    assertEquals(List.of("1:true", "2:true", "3:true", "4:true", "5:true", "8:true", "9:true"), history);
  }

  @Test
  void schemaBuiltForTimescaleDbIsRefusedOnAServerWithoutIt() throws SQLException {
    // as if the schema had been built on a TimescaleDB server and the extension were gone now
    SchemaMigrator.migrate(schema.dataSource(), schema.name());
    execute("update storage_mode set mode = 'TIMESCALEDB'");

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SchemaMigrator.migrate(schema.dataSource(), schema.name()));
    assertTrue(e.getMessage().contains("built for TimescaleDB"), e.getMessage());
  }

  @Test
  void readingOneMinuteViewAggregatesLikeTheContinuousAggregate() throws SQLException {
    SchemaMigrator.migrate(schema.dataSource(), schema.name());
    execute("insert into reading (ts, tag_id, value, quality) values"
        + " ('2026-01-01 00:00:10+00', 1, 1.0, 0), ('2026-01-01 00:00:50+00', 1, 3.0, 0),"
        + " ('2026-01-01 00:00:30+00', 1, 5.0, 0), ('2026-01-01 00:01:00+00', 1, 9.0, 0)");

    assertEquals(List.of("2026-01-01 00:00:00+00|1|5|3|3|3", "2026-01-01 00:01:00+00|9|9|9|1|9"),
        strings("select bucket at time zone 'UTC' || '+00|' || min_value || '|' || max_value || '|'"
            + " || avg_value || '|' || sample_count || '|' || last_value from reading_1m order by bucket"));
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
