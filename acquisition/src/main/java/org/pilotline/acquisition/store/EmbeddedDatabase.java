package org.pilotline.acquisition.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's PostgreSQL when none is configured: zonky's embedded PostgreSQL with its data
 * directory kept between runs, so readings survive a restart.
 *
 * <p>The data directory is created on first start (initdb) and reused afterwards. Only one
 * process may use it at a time (zonky holds a lock file in it).
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  /**
   * Starts PostgreSQL on {@code dataDirectory} (created if missing, reused if it holds a
   * database), listening on 127.0.0.1 only.
   *
   * @param port the TCP port, or 0 for a free one
   */
  public static EmbeddedDatabase start(Path dataDirectory, int port) throws IOException {
    Path dir = dataDirectory.toAbsolutePath().normalize();
    boolean existing = Files.exists(dir.resolve("PG_VERSION"));
    Files.createDirectories(dir);
    int chosenPort = port == 0 ? freePort() : port;
    long t0 = System.nanoTime();
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setPort(chosenPort)
        .setServerConfig("listen_addresses", "127.0.0.1")
        // The owner closes it after the writer's last flush; zonky's own hook would stop the
        // server in parallel with that flush at JVM exit.
        .setRegisterShutdownHook(false)
        // zonky waits 10 s by default; a restart on a loaded machine can take longer
        .setPGStartupWait(java.time.Duration.ofSeconds(60))
        .start();
    EmbeddedDatabase db = new EmbeddedDatabase(pg, dir);
    LOG.info("embedded PostgreSQL started: version={}, port={}, dataDir={}, reused={}, ms={}",
        db.version(), chosenPort, dir, existing, (System.nanoTime() - t0) / 1_000_000);
    return db;
  }

  /** The JDBC URL of the {@code postgres} database as user {@code postgres} (trust auth). */
  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres").replace("//localhost:", "//127.0.0.1:");
  }

  public int port() {
    return postgres.getPort();
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Stops PostgreSQL (fast shutdown); the data directory stays. */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
    }
  }

  private String version() {
    try (Connection c = DriverManager.getConnection(jdbcUrl())) {
      return c.getMetaData().getDatabaseProductVersion();
    } catch (SQLException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
