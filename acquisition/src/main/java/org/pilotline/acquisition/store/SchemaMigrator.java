package org.pilotline.acquisition.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a schema up to date with Flyway, choosing the storage mode's migrations.
 *
 * <p>Migrations live in {@code db/migration/common} (all modes) and in
 * {@code db/migration/plain} or {@code db/migration/timescaledb}. The mode a schema was built
 * in is recorded in its {@code storage_mode} table and wins over what the server offers today:
 * <ul>
 *   <li>built plain, TimescaleDB now available: stays plain, with a warning (converting the
 *       existing {@code reading} table is a deliberate operation, not a side effect of a start);
 *   <li>built for TimescaleDB, extension now missing: fails with an explanation, since the
 *       schema's hypertable and continuous aggregate cannot work without it.
 * </ul>
 */
public final class SchemaMigrator {
  /** How long TimescaleDB keeps raw readings, unless told otherwise. */
  public static final String DEFAULT_RETENTION = "365 days";
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

  private SchemaMigrator() {}

  /** {@link #migrate(DataSource, String, String)} with the default retention of 365 days. */
  public static StorageMode migrate(DataSource dataSource, String schema) throws SQLException {
    return migrate(dataSource, schema, DEFAULT_RETENTION);
  }

  /**
   * Probes the server, then migrates {@code schema} (created if missing).
   *
   * @param dataSource connections to the database holding the schema
   * @param retention a PostgreSQL interval ("365 days") after which TimescaleDB drops raw
   *     readings; used when the retention policy is created, ignored in plain mode
   * @return the storage mode in force
   * @throws IllegalStateException when the schema was built for TimescaleDB and the server no
   *     longer has the extension
   */
  public static StorageMode migrate(DataSource dataSource, String schema, String retention)
      throws SQLException {
    Database.requireSchemaName(schema);
    if (retention == null || !retention.matches("[0-9a-zA-Z .:]+")) {
      throw new IllegalArgumentException("not an interval: " + retention);
    }
    StorageModeProbe.Result probed = StorageModeProbe.probe(dataSource);
    StorageMode recorded = recordedMode(dataSource, schema);
    StorageMode mode = probed.mode();
    if (recorded == StorageMode.TIMESCALEDB && probed.mode() == StorageMode.PLAIN) {
      throw new IllegalStateException("schema " + schema + " was built for TimescaleDB, but this"
          + " server has no timescaledb extension; install the extension (and add it to"
          + " shared_preload_libraries) or use a new schema for plain PostgreSQL");
    }
    if (recorded == StorageMode.PLAIN && probed.mode() == StorageMode.TIMESCALEDB) {
      LOG.warn("storage mode: keeping plain PostgreSQL: schema={}, reason=built in plain mode;"
          + " timescaledb {} is available but converting an existing reading table is manual"
          + " (create_hypertable(..., migrate_data => true)) or use a new schema",
          schema, probed.extensionVersion());
      mode = StorageMode.PLAIN;
    }
    MigrateResult result;
    // Flyway on one connection: a pool of one is enough, and so is a server that serves one
    // connection at a time (the test lane's PGlite TimescaleDB build).
    try (Connection c = dataSource.getConnection()) {
      result = Flyway.configure()
          .dataSource(new SingleConnectionDataSource(c))
          .schemas(schema)
          .defaultSchema(schema)
          .createSchemas(true)
          .locations("classpath:db/migration/common", mode.migrationLocation())
          .placeholders(Map.of("retention_interval", retention))
          .load()
          .migrate();
    }
    LOG.info("schema migrated: schema={}, applied={}, version={}",
        schema, result.migrationsExecuted, result.targetSchemaVersion);
    if (mode == StorageMode.TIMESCALEDB) {
      LOG.info("storage mode: timescaledb (extension {})", installedVersion(dataSource));
    } else if (probed.mode() == StorageMode.PLAIN) {
      LOG.info("storage mode: plain PostgreSQL (timescaledb extension not available)");
    } else {
      LOG.info("storage mode: plain PostgreSQL (schema built in plain mode)");
    }
    return mode;
  }

  /** The mode recorded in the schema, or null for a schema not yet migrated. */
  static StorageMode recordedMode(DataSource dataSource, String schema) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("select to_regclass(?) is not null")) {
        ps.setString(1, schema + ".storage_mode");
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            return null;
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("select mode from " + schema + ".storage_mode");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? StorageMode.valueOf(rs.getString(1)) : null;
      }
    }
  }

  private static String installedVersion(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select extversion from pg_extension where extname = 'timescaledb'");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : "?";
    }
  }
}
