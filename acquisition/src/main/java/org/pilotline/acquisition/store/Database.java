package org.pilotline.acquisition.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/** Connection pools for the pilotline schema. */
public final class Database {
  private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final AtomicInteger POOL_SEQ = new AtomicInteger();

  private Database() {}

  /**
   * A HikariCP pool whose connections resolve unqualified names in {@code schema} first, then in
   * {@code public} (where extensions such as TimescaleDB keep their functions).
   *
   * @param url a {@code jdbc:postgresql:} URL; it may carry user and password as parameters
   * @param user the user, or null/blank when the URL names it
   * @param password the password, or null when none is needed
   * @param schema a lower-case SQL identifier; the schema itself is created by the migrator
   * @param poolSize maximum connections
   */
  public static HikariDataSource createDataSource(
      String url, String user, String password, String schema, int poolSize) {
    Objects.requireNonNull(url, "url");
    requireSchemaName(schema);
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be >= 1: " + poolSize);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("pilotline-" + schema + "-" + POOL_SEQ.incrementAndGet());
    config.setJdbcUrl(url);
    if (user != null && !user.isBlank()) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    // pgjdbc turns currentSchema into the search_path; a URL parameter of the same name wins.
    config.addDataSourceProperty("currentSchema", schema + ",public");
    config.addDataSourceProperty("ApplicationName", "pilotline");
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(1, poolSize));
    config.setConnectionTimeout(10_000);
    config.validate();
    return new HikariDataSource(config);
  }

  /** Throws unless {@code schema} is a plain lower-case identifier (no quoting needed). */
  public static String requireSchemaName(String schema) {
    if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
      throw new IllegalArgumentException("not a plain lower-case schema name: " + schema);
    }
    return schema;
  }
}
