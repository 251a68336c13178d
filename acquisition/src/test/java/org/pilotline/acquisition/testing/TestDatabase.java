package org.pilotline.acquisition.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.pilotline.acquisition.store.Database;
import org.pilotline.acquisition.store.SchemaMigrator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL that integration tests run against, one per JVM.
 *
 * <p>When system property {@code pilotline.test.jdbcUrl} or environment variable
 * {@code PILOTLINE_TEST_JDBC_URL} is non-blank, that server is used (the URL carries user and
 * password as parameters). Otherwise one embedded PostgreSQL (zonky) is started on first use and
 * stopped by a JVM shutdown hook. Each test class takes its own schema with
 * {@link #createSchema(String)} and drops it with {@link #dropSchema(Schema)}.
 */
public final class TestDatabase {
  public static final String URL_PROPERTY = "pilotline.test.jdbcUrl";
  public static final String URL_ENV = "PILOTLINE_TEST_JDBC_URL";
  private static final Logger LOG = LoggerFactory.getLogger(TestDatabase.class);
  private static final int POOL_SIZE = 4;

  private static String jdbcUrl;

  private TestDatabase() {}

  /** A schema of its own for one test class, with a pool whose connections use it. */
  public record Schema(String name, String jdbcUrl, HikariDataSource dataSource)
      implements AutoCloseable {
    /** Closes the pool and drops the schema with everything in it. */
    @Override
    public void close() {
      dropSchema(this);
    }
  }

  /** The JDBC URL of the test server (user and password included), starting it if needed. */
  public static synchronized String jdbcUrl() {
    if (jdbcUrl == null) {
      String external = System.getProperty(URL_PROPERTY);
      if (external == null || external.isBlank()) {
        external = System.getenv(URL_ENV);
      }
      if (external != null && !external.isBlank()) {
        jdbcUrl = external.trim();
        LOG.info("test database: external {}", redact(jdbcUrl));
      } else {
        jdbcUrl = startEmbedded();
      }
    }
    return jdbcUrl;
  }

  /**
   * Creates a fresh schema named {@code <prefix>_<random>} and a small pool using it. The schema
   * is empty; run {@code SchemaMigrator} on it to get the tables.
   */
  public static Schema createSchema(String prefix) {
    String name = (prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    if (name.length() > 63 || !Character.isLetter(name.charAt(0))) {
      name = "t_" + name.substring(Math.max(0, name.length() - 60));
    }
    String url = jdbcUrl();
    execute(url, "create schema " + name);
    HikariDataSource ds = Database.createDataSource(url, null, null, name, POOL_SIZE);
    return new Schema(name, url, ds);
  }

  /** A fresh schema with every migration applied (plain mode on PostgreSQL without TimescaleDB). */
  public static Schema createMigratedSchema(String prefix) {
    Schema schema = createSchema(prefix);
    try {
      SchemaMigrator.migrate(schema.dataSource(), schema.name());
      return schema;
    } catch (SQLException | RuntimeException e) {
      dropSchema(schema);
      throw new IllegalStateException("migrating test schema " + schema.name() + " failed", e);
    }
  }

  /** Closes the schema's pool and drops the schema (cascade). Safe to call twice. */
  public static void dropSchema(Schema schema) {
    schema.dataSource().close();
    execute(schema.jdbcUrl(), "drop schema if exists " + schema.name() + " cascade");
  }

  private static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test database: " + sql + ": " + e.getMessage(), e);
    }
  }

  private static String startEmbedded() {
    long t0 = System.nanoTime();
    EmbeddedPostgres pg;
    try {
      pg = EmbeddedPostgres.builder().start();
    } catch (IOException e) {
      throw new UncheckedIOException("test database: embedded PostgreSQL did not start", e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        pg.close();
      } catch (IOException e) {
        LOG.warn("test database: embedded PostgreSQL did not stop cleanly: {}", e.toString());
      }
    }, "test-database-stop"));
    String url = pg.getJdbcUrl("postgres", "postgres");
    String version = "?";
    try (Connection c = DriverManager.getConnection(url)) {
      version = c.getMetaData().getDatabaseProductVersion();
    } catch (SQLException e) {
      LOG.warn("test database: version query failed: {}", e.toString());
    }
    LOG.info("test database: embedded PostgreSQL {} on port {} (started in {} ms)",
        version, pg.getPort(), (System.nanoTime() - t0) / 1_000_000);
    return url;
  }

  private static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
