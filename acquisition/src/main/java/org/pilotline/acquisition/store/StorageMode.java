package org.pilotline.acquisition.store;

/** How readings are stored: which DDL the migrations built for {@code reading} and {@code reading_1m}. */
public enum StorageMode {
  /** Plain PostgreSQL: a BRIN index on time and a {@code reading_1m} view. */
  PLAIN,
  /** TimescaleDB: a compressed hypertable, a continuous aggregate and a retention policy. */
  TIMESCALEDB;

  /** The Flyway location holding this mode's migrations. */
  String migrationLocation() {
    return "classpath:db/migration/" + name().toLowerCase(java.util.Locale.ROOT);
  }
}
