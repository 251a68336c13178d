package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.store.spool.ReadingSpool;
import org.pilotline.acquisition.store.spool.SpoolConfig;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.TestDatabase;

/**
 * kill -9 of a process that is ingesting through the spool, then a restart on the same spool:
 * every reading the spool had accepted is stored exactly once.
 */
@ExtendWith(VertxExtension.class)
class SpoolKillIT {
  static final Instant T0 = Instant.parse("2026-04-01T00:00:00Z");
  private static TestDatabase.Schema schema;

  @TempDir Path spoolDir;

  @BeforeAll
  static void migrate() throws SQLException {
    schema = TestDatabase.createMigratedSchema("spoolkill");
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  static SpoolConfig spoolConfig(Path dir) {
    return new SpoolConfig(dir, 1L << 20, 50, 1L << 30, SpoolConfig.FullPolicy.DROP_OLDEST);
  }

  @Test
  void killedProcessLosesNothingAcceptedAndDuplicatesNothing(Vertx vertx) throws Exception {
    Process child = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        SpoolKillChild.class.getName(),
        schema.jdbcUrl(), schema.name(), spoolDir.toString(), "5000"))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    AtomicLong reported = new AtomicLong(-1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("appended=")) {
            reported.set(Long.parseLong(line.substring("appended=".length())));
          }
        }
      } catch (Exception e) {
        // the child is gone
      }
    }, "kill-child-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(60), () -> reported.get() >= 10_000),
          "child ingesting: appended=" + reported.get());
      // the database goes away so that a backlog waits in the spool when the process dies
      execute("alter table reading rename to reading_away");
      long atOutage = reported.get();
      assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(60),
          () -> reported.get() >= atOutage + 10_000), "child spooling: appended=" + reported.get());
      child.destroyForcibly(); // SIGKILL on Linux and macOS
      assertTrue(child.waitFor(10, TimeUnit.SECONDS), "child killed");
    } finally {
      child.destroyForcibly();
      execute("alter table if exists reading_away rename to reading");
    }
    reader.join(5_000);
    long acceptedAtKill = reported.get();
    long storedAtKill = count();

    ReadingSpool spool = ReadingSpool.open(spoolConfig(spoolDir), Clock.systemUTC());
    long pendingAtRestart = spool.metrics().readingsPending();
    ReadingWriterVerticle writer = new ReadingWriterVerticle(
        new CopyReadingWriter(schema.dataSource()), new WriterConfig(1_000, 50, 10_000), spool);
    vertx.deployVerticle(writer).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    LocalCodecs.register(vertx.eventBus());
    try {
      assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(60),
          () -> spool.metrics().recordsPending() == 0), "replay: " + writer.metrics());
      long stored = count();
      long distinct = scalar("select count(distinct value) from reading");
      long highest = scalar("select coalesce(max(value), -1)::bigint from reading");
      long duplicates = scalar(
          "select count(*) from (select 1 from reading group by tag_id, ts having count(*) > 1) d");
      System.out.printf("spool kill IT: acceptedAtLastReport=%d, storedAtKill=%d,"
              + " pendingInSpoolAtRestart=%d, replayed=%d, stored=%d, highestNumber=%d,"
              + " duplicated=%d, lost=%d%n", acceptedAtKill, storedAtKill, pendingAtRestart,
          writer.metrics().committed(), stored, highest, duplicates, highest + 1 - distinct);
      assertTrue(pendingAtRestart > 0, "a backlog was left in the spool");
      assertTrue(writer.metrics().committed() > 0, "the backlog was replayed");
      assertEquals(0, duplicates);
      assertEquals(stored, distinct);
      // readings are numbered 0, 1, 2... in order: no gap means nothing was lost
      assertEquals(highest + 1, stored);
      assertTrue(stored >= acceptedAtKill, stored + " stored < " + acceptedAtKill + " accepted");
    } finally {
      vertx.undeploy(writer.deploymentID()).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      spool.close();
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long count() throws SQLException {
    return scalar("select count(*) from reading");
  }

  private static long scalar(String sql) throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
