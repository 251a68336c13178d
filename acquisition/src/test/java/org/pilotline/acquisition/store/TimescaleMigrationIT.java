package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.testing.TimescaleTestServer;

/**
 * The TimescaleDB-mode migrations on a real TimescaleDB (the PGlite build): the only place the
 * hypertable, compression, continuous aggregate and policy DDL runs in a test.
 */
@Tag("timescaledb")
class TimescaleMigrationIT {
  private TimescaleTestServer.Schema schema;

  @BeforeEach
  void createSchema() {
    schema = TimescaleTestServer.shared().createSchema("tsmigrate");
  }

  @AfterEach
  void dropSchema() {
    schema.close();
  }

  @Test
  void probeOffersTimescaleDbOnThisServer() throws SQLException {
    StorageModeProbe.Result probed = StorageModeProbe.probe(schema.dataSource());

    assertEquals(StorageMode.TIMESCALEDB, probed.mode());
    assertNotNull(probed.extensionVersion());
  }

  @Test
  void migratorPicksTimescaleDbAndRecordsIt() throws SQLException {
    assertEquals(StorageMode.TIMESCALEDB,
        SchemaMigrator.migrate(schema.dataSource(), schema.name(), "30 days"));

    assertEquals(List.of("TIMESCALEDB"), strings("select mode from storage_mode"));
    assertEquals(List.of("1:true", "2:true", "3:true", "4:true", "5:true", "8:true", "9:true"),
        strings("select version || ':' || success from flyway_schema_history order by installed_rank"));
    TimescaleTestServer.announceVersion(schema.dataSource());
  }

  @Test
  void readingIsACompressedHypertableSegmentedByTag() throws SQLException {
    SchemaMigrator.migrate(schema.dataSource(), schema.name());

    assertEquals(List.of("reading|true"), strings("select hypertable_name || '|' || compression_enabled"
        + " from timescaledb_information.hypertables where hypertable_schema = ?"));
    assertEquals(List.of("ts|1 day"), strings("select column_name || '|' || time_interval"
        + " from timescaledb_information.dimensions where hypertable_schema = ?"));
    assertEquals(List.of("tag_id|segmentby", "ts|orderby desc"), strings(
        "select attname || '|' || case when segmentby_column_index is not null then 'segmentby'"
        + " else 'orderby ' || case when orderby_asc then 'asc' else 'desc' end end"
        + " from timescaledb_information.compression_settings where hypertable_schema = ?"
        + " order by attname"));
  }

  @Test
  void readingOneMinuteIsARealTimeContinuousAggregate() throws SQLException {
    SchemaMigrator.migrate(schema.dataSource(), schema.name());

    assertEquals(List.of("reading_1m|false"), strings("select view_name || '|' || materialized_only"
        + " from timescaledb_information.continuous_aggregates where view_schema = ?"));
  }

  @Test
  void compressionRetentionAndRefreshPoliciesAreScheduled() throws SQLException {
    SchemaMigrator.migrate(schema.dataSource(), schema.name(), "400 days");

    // one row per policy: its procedure, the hypertable it works on and its key setting
    assertEquals(List.of(
            "policy_compression|reading|7 days",
            "policy_refresh_continuous_aggregate|reading_1m|1 day",
            "policy_retention|reading|400 days"),
        strings("""
            select j.proc_name || '|' || coalesce(ca.view_name, j.hypertable_name) || '|' ||
                   coalesce(j.config ->> 'compress_after', j.config ->> 'drop_after',
                            j.config ->> 'start_offset')
              from timescaledb_information.jobs j
              left join timescaledb_information.continuous_aggregates ca
                on ca.materialization_hypertable_schema = j.hypertable_schema
               and ca.materialization_hypertable_name = j.hypertable_name
             where coalesce(ca.view_schema, j.hypertable_schema) = ?
             order by 1"""));
  }

  @Test
  void migratingTwiceChangesNothing() throws SQLException {
    SchemaMigrator.migrate(schema.dataSource(), schema.name());

    assertEquals(StorageMode.TIMESCALEDB, SchemaMigrator.migrate(schema.dataSource(), schema.name()));
    assertEquals(List.of("1:true", "2:true", "3:true", "4:true", "5:true", "8:true", "9:true"),
        strings("select version || ':' || success from flyway_schema_history order by installed_rank"));
  }

  /** Runs {@code sql}, binding the schema name to its one parameter if it has one. */
  private List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      if (ps.getParameterMetaData().getParameterCount() == 1) {
        ps.setString(1, schema.name());
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
