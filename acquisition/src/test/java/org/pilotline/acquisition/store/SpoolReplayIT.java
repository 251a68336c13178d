package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.store.spool.ReadingSpool;
import org.pilotline.acquisition.store.spool.SpoolConfig;
import org.pilotline.acquisition.store.spool.SpoolMetrics;
import org.pilotline.acquisition.testing.TestDatabase;

/** The store-and-forward promises of docs/RELIABILITY.md against a real PostgreSQL. */
@ExtendWith(VertxExtension.class)
class SpoolReplayIT {
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final int TAGS = 50;
  private static TestDatabase.Schema schema;

  @TempDir Path spoolDir;

  @BeforeAll
  static void migrate() throws SQLException {
    schema = TestDatabase.createMigratedSchema("spoolreplay");
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  @BeforeEach
  void empty() throws SQLException {
    execute("truncate reading");
    execute("truncate spool_commit");
  }

  @Test
  void databaseOutageIsReplayedInOrderWithoutLossOrDuplicates(Vertx vertx) throws Exception {
    outage(vertx, 2_000, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(2),
        new WriterConfig(1_000, 50, 10_000));
  }

  // The reading table gone for 10 s at 5k readings/s. The 60 s fault with a real
  // PostgreSQL stop is soak.DatabaseOutageIT; this one checks commit order per tag, which that
  // one does not, and needs no minute for it.
  @Test
  void tenSecondOutageAtFiveThousandReadingsPerSecondLosesAndDuplicatesNothing(Vertx vertx)
      throws Exception {
    outage(vertx, 5_000, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10),
        WriterConfig.DEFAULTS);
  }

  /**
   * Publishes at a steady rate (a batch every 10 ms, sized to keep to the rate despite timer
   * jitter) for before + outage + after, with the reading table renamed away during the outage;
   * then checks that every reading is stored once and in order per tag.
   */
  private void outage(Vertx vertx, int readingsPerSecond, Duration before, Duration outage,
      Duration after, WriterConfig writerConfig) throws Exception {
    ReadingSpool spool = ReadingSpool.open(spoolConfig(), Clock.systemUTC());
    ReadingWriterVerticle writer = deploy(vertx, spool, writerConfig);
    long total = (before.plus(outage).plus(after).toMillis()) * readingsPerSecond / 1_000;
    AtomicLong sent = new AtomicLong();
    long t0 = System.nanoTime();
    long timer = vertx.setPeriodic(10, id -> {
      long due = Math.min(total, (System.nanoTime() - t0) * readingsPerSecond / 1_000_000_000L);
      long from = sent.get();
      if (due > from) {
        publish(vertx, batch((int) from, (int) (due - from)));
        sent.set(due);
      }
    });
    AtomicLong maxPending = new AtomicLong();
    AtomicLong maxBytes = new AtomicLong();
    AtomicLong backAt = new AtomicLong();
    AtomicLong caughtUpAt = new AtomicLong();
    long sampler = vertx.setPeriodic(20, id -> {
      SpoolMetrics m = spool.metrics();
      maxPending.accumulateAndGet(m.readingsPending(), Math::max);
      maxBytes.accumulateAndGet(m.bytesUsed(), Math::max);
      // caught up: nothing older than a second waits any more
      if (backAt.get() != 0 && caughtUpAt.get() == 0 && m.oldestPendingAgeMs() < 1_000) {
        caughtUpAt.set(System.nanoTime());
      }
    });
    try {
      eventually(vertx, () -> System.nanoTime() - t0 >= before.toNanos(), writer, 60);
      execute("alter table reading rename to reading_away");
      long outageStart = System.nanoTime();
      eventually(vertx, () -> System.nanoTime() - outageStart >= outage.toNanos(), writer,
          outage.toSeconds() + 30);
      execute("alter table reading_away rename to reading");
      long outageMs = (System.nanoTime() - outageStart) / 1_000_000;
      backAt.set(System.nanoTime());
      eventually(vertx, () -> sent.get() == total, writer, after.toSeconds() + 30);
      eventually(vertx, () -> writer.metrics().committed() == total
          && spool.metrics().recordsPending() == 0, writer, 120);
      long caughtUpMs = caughtUpAt.get() == 0 ? -1 : (caughtUpAt.get() - backAt.get()) / 1_000_000;

      long stored = count();
      long duplicates = duplicates();
      long outOfOrder = outOfOrder();
      System.out.printf("spool outage IT: rate=%d/s, published=%d, stored=%d, lost=%d,"
              + " duplicated=%d, outOfOrder=%d, outageMs=%d, maxSpoolPending=%d,"
              + " maxSpoolBytes=%d, backlogCaughtUpMs=%d, commitErrors=%d%n", readingsPerSecond,
          total, stored, total - stored, duplicates, outOfOrder, outageMs, maxPending.get(),
          maxBytes.get(), caughtUpMs,
          writer.metrics().commitErrors());
      assertEquals(total, stored);
      assertEquals(0, duplicates);
      assertEquals(0, outOfOrder);
      assertTrue(writer.metrics().commitErrors() > 0, "the outage was seen: " + writer.metrics());
      assertTrue(maxPending.get() > outage.toSeconds() * readingsPerSecond / 2,
          "the spool held the outage: " + maxPending.get());
      assertEquals(0, writer.metrics().dropped());
    } finally {
      vertx.cancelTimer(timer);
      vertx.cancelTimer(sampler);
      undeploy(vertx);
      spool.close();
    }
  }

  // The spool-cap fault: the policy applies, the alarm is raised, nothing crashes.
  @Test
  void fullSpoolRefusesWhileTheDatabaseIsAwayAndRecoversAfterwards(Vertx vertx) throws Exception {
    ReadingSpool spool = ReadingSpool.open(new SpoolConfig(spoolDir, 8192, 50, 4 * 8192,
        SpoolConfig.FullPolicy.STOP_ACQUIRING), Clock.systemUTC());
    ReadingWriterVerticle writer = deploy(vertx, spool);
    try {
      execute("alter table reading rename to reading_away");
      try {
        for (int b = 0; b < 100; b++) {
          publish(vertx, batch(b * 50, 50));
        }
        eventually(vertx, () -> writer.metrics().received() == 5_000, writer);
        SpoolMetrics full = spool.metrics();
        WriterMetrics m = writer.metrics();
        assertTrue(full.full(), full.toString());
        assertTrue(full.appendsRefused() > 0, full.toString());
        assertEquals(m.received(), m.dropped() + full.readingsPending(), m + " " + full);
      } finally {
        execute("alter table reading_away rename to reading");
      }
      eventually(vertx, () -> spool.metrics().recordsPending() == 0, writer);
      assertTrue(!spool.metrics().full(), "alarm cleared: " + spool.metrics());
      WriterMetrics after = writer.metrics();
      System.out.printf("spool cap IT: published=5000, refused=%d, stored=%d, capBytes=%d%n",
          after.dropped(), count(), spool.metrics().capBytes());
      assertEquals(after.received() - after.dropped(), count());
      // acquisition goes on once there is room
      publish(vertx, batch(10_000, 50));
      eventually(vertx, () -> writer.metrics().received() == 5_050
          && spool.metrics().recordsPending() == 0, writer);
      assertEquals(after.received() - after.dropped() + 50, count());
      assertEquals(0, duplicates());
    } finally {
      undeploy(vertx);
      spool.close();
    }
  }

  @Test
  void batchesLeftByACrashedWriterLandExactlyOnceAfterARestart(Vertx vertx) throws Exception {
    ReadingSpool first = ReadingSpool.open(spoolConfig(), Clock.systemUTC());
    ReadingWriterVerticle crashed = deploy(vertx, first);
    // some land before the database goes away, the rest wait in the spool
    for (int b = 0; b < 10; b++) {
      publish(vertx, batch(b * 100, 100));
    }
    eventually(vertx, () -> crashed.metrics().committed() == 1_000, crashed);
    execute("alter table reading rename to reading_away");
    for (int b = 10; b < 50; b++) {
      publish(vertx, batch(b * 100, 100));
    }
    eventually(vertx, () -> crashed.metrics().received() == 5_000
        && crashed.metrics().commitErrors() > 0, crashed);
    crashed.halt();
    execute("alter table reading_away rename to reading");
    assertEquals(1_000, count());

    // the first spool is never closed, as after a kill
    ReadingSpool second = ReadingSpool.open(spoolConfig(), Clock.systemUTC());
    ReadingWriterVerticle restarted = deploy(vertx, second);
    try {
      eventually(vertx, () -> restarted.metrics().committed() == 4_000
          && second.metrics().recordsPending() == 0, restarted);
      System.out.printf("spool restart IT: published=5000, storedBeforeCrash=1000,"
          + " replayedAfterRestart=%d, stored=%d, duplicated=%d%n",
          restarted.metrics().committed(), count(), duplicates());
      assertEquals(5_000, count());
      assertEquals(0, duplicates());
      assertEquals(0, outOfOrder());
    } finally {
      undeploy(vertx);
      second.close();
    }
  }

  @Test
  void commitMarkInTheDatabaseStopsAReplayWhenTheCheckpointIsLost(Vertx vertx) throws Exception {
    ReadingSpool first = ReadingSpool.open(spoolConfig(), Clock.systemUTC());
    ReadingWriterVerticle writer = deploy(vertx, first);
    for (int b = 0; b < 30; b++) {
      publish(vertx, batch(b * 100, 100));
    }
    eventually(vertx, () -> writer.metrics().committed() == 3_000
        && first.metrics().recordsPending() == 0, writer);
    undeploy(vertx);
    first.close();
    // a crash after the database commit and before the checkpoint file was replaced
    Files.writeString(spoolDir.resolve("committed"), "0\n");

    ReadingSpool second = ReadingSpool.open(spoolConfig(), Clock.systemUTC());
    assertEquals(30, second.metrics().recordsPending());
    ReadingWriterVerticle restarted = deploy(vertx, second);
    try {
      eventually(vertx, () -> second.metrics().recordsPending() == 0, restarted);
      assertEquals(0, restarted.metrics().committed());
      assertEquals(3_000, count());
      assertEquals(0, duplicates());
    } finally {
      undeploy(vertx);
      second.close();
    }
  }

  private SpoolConfig spoolConfig() {
    return new SpoolConfig(spoolDir, 4L << 20, 50, 1L << 30, SpoolConfig.FullPolicy.DROP_OLDEST);
  }

  private static ReadingWriterVerticle deploy(Vertx vertx, ReadingSpool spool) throws Exception {
    return deploy(vertx, spool, new WriterConfig(1_000, 50, 10_000));
  }

  private static ReadingWriterVerticle deploy(Vertx vertx, ReadingSpool spool, WriterConfig config)
      throws Exception {
    ReadingWriterVerticle writer = new ReadingWriterVerticle(
        new CopyReadingWriter(schema.dataSource()), config, spool);
    await(vertx.deployVerticle(writer));
    LocalCodecs.register(vertx.eventBus());
    return writer;
  }

  private static void undeploy(Vertx vertx) throws Exception {
    List<Future<Void>> all = new ArrayList<>();
    vertx.deploymentIDs().forEach(id -> all.add(vertx.undeploy(id)));
    await(Future.all(all));
  }

  private static void publish(Vertx vertx, ReadingBatch batch) {
    vertx.eventBus().publish(Addresses.READINGS, batch);
  }

  /** Readings numbered from {@code first}: source times unique per tag, rising with the number. */
  private static ReadingBatch batch(int first, int n) {
    List<Reading> readings = new ArrayList<>(n);
    for (int i = first; i < first + n; i++) {
      readings.add(new Reading(i % TAGS, T0.plusMillis(i), null, (double) i, 0L));
    }
    return new ReadingBatch("testEquipment", readings);
  }

  private static void eventually(Vertx vertx, BooleanSupplier condition, ReadingWriterVerticle writer)
      throws Exception {
    eventually(vertx, condition, writer, 60);
  }

  /** Waits at most {@code seconds} for the condition, checked on a Vert.x timer. */
  private static void eventually(Vertx vertx, BooleanSupplier condition, ReadingWriterVerticle writer,
      long seconds) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long timer = vertx.setPeriodic(10, id -> {
      if (condition.getAsBoolean()) {
        done.complete(null);
      }
    });
    try {
      done.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      fail("condition not met within " + seconds + " s: " + writer.metrics() + ", spool=" + writer.spoolMetrics());
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static long count() throws SQLException {
    return scalar("select count(*) from reading");
  }

  private static long duplicates() throws SQLException {
    return scalar("select count(*) from (select 1 from reading group by tag_id, ts having count(*) > 1) d");
  }

  /**
   * Rows of a tag committed in an earlier transaction than a row of the same tag with an earlier
   * source time: the writer is one thread, so transaction ids rise in commit order.
   */
  private static long outOfOrder() throws SQLException {
    return scalar("""
        select count(*) from (
          select xmin::text::bigint as x,
                 lag(xmin::text::bigint) over (partition by tag_id order by ts) as prev
            from reading) t
         where x < prev""");
  }

  private static long scalar(String sql) throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
