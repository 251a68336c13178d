package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.testing.TestDatabase;

@ExtendWith(VertxExtension.class)
class ReadingWriterVerticleIT {
  private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
  private static TestDatabase.Schema schema;

  @BeforeAll
  static void migrate() throws SQLException {
    schema = TestDatabase.createMigratedSchema("writerverticle");
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  @BeforeEach
  void emptyReadings() throws SQLException {
    execute("truncate reading");
  }

  @Test
  void publishedBatchesAreCommitted(Vertx vertx) throws Exception {
    ReadingWriterVerticle writer = deploy(vertx, new WriterConfig(1_000, 50, 100_000));

    for (int b = 0; b < 20; b++) {
      publish(vertx, batch(b * 500, 500));
    }

    eventually(vertx, () -> writer.metrics().committed() == 10_000, writer);
    assertEquals(10_000L, count());
    assertEquals(0L, writer.metrics().dropped());
    assertTrue(writer.metrics().lastCommit() != null);
    undeploy(vertx);
  }

  @Test
  void fullQueueDropsAndCountsReadingsWithoutFailing(Vertx vertx) throws Exception {
    ReadingWriterVerticle writer = deploy(vertx, new WriterConfig(100, 50, 1_000));
    try (Connection lock = schema.dataSource().getConnection()) {
      // the database stalls: COPY waits for this lock
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("lock table reading in access exclusive mode");
      }
      for (int b = 0; b < 30; b++) {
        publish(vertx, batch(b * 100, 100));
      }
      eventually(vertx, () -> writer.metrics().received() == 3_000, writer);
      WriterMetrics stalled = writer.metrics();
      assertEquals(0L, stalled.committed());
      // at most the queue plus the one batch the writer holds survive
      assertTrue(stalled.dropped() >= 1_900, stalled.toString());
      assertEquals(stalled.received(), stalled.dropped() + stalled.queueDepth(), stalled.toString());
      lock.rollback();
    }

    eventually(vertx, () -> writer.metrics().queueDepth() == 0, writer);
    WriterMetrics after = writer.metrics();
    assertEquals(after.received() - after.dropped(), after.committed());
    assertEquals(after.committed(), count());
    undeploy(vertx);
  }

  @Test
  void failedCopyIsRetriedUntilTheBatchIsStored(Vertx vertx) throws Exception {
    ReadingWriterVerticle writer = deploy(vertx, new WriterConfig(1_000, 20, 10_000));
    execute("alter table reading rename to reading_away");
    try {
      publish(vertx, batch(0, 500));
      eventually(vertx, () -> writer.metrics().commitErrors() >= 2, writer);
      assertEquals(0L, writer.metrics().committed());
    } finally {
      execute("alter table reading_away rename to reading");
    }

    eventually(vertx, () -> writer.metrics().committed() == 500, writer);
    assertEquals(500L, count());
    undeploy(vertx);
  }

  @Test
  void stopFlushesWhatIsQueued(Vertx vertx) throws Exception {
    // a flush interval far beyond the test: only stop() can write these
    ReadingWriterVerticle writer = deploy(vertx, new WriterConfig(10_000, 600_000, 20_000));
    publish(vertx, batch(0, 300));
    eventually(vertx, () -> writer.metrics().received() == 300, writer);

    undeploy(vertx);

    assertEquals(300L, writer.metrics().committed());
    assertEquals(300L, count());
  }

  private static ReadingWriterVerticle deploy(Vertx vertx, WriterConfig config) throws Exception {
    ReadingWriterVerticle writer = new ReadingWriterVerticle(new CopyReadingWriter(schema.dataSource()), config);
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

  private static ReadingBatch batch(int first, int n) {
    List<Reading> readings = new ArrayList<>(n);
    for (int i = first; i < first + n; i++) {
      readings.add(new Reading(i % 50, T0.plusMillis(i), null, (double) i, 0L));
    }
    return new ReadingBatch("testEquipment", readings);
  }

  /** Waits (at most 20 s) for a condition on the writer's metrics; checked on a Vert.x timer. */
  private static void eventually(Vertx vertx, BooleanSupplier condition, ReadingWriterVerticle writer)
      throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long timer = vertx.setPeriodic(10, id -> {
      if (condition.getAsBoolean()) {
        done.complete(null);
      }
    });
    try {
      done.get(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      fail("condition not met within 20 s: " + writer.metrics());
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static long count() throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from reading")) {
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
