package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
import org.pilotline.acquisition.testing.TestDatabase;

/**
 * The quarantine promise of docs/RELIABILITY.md: readings the database keeps refusing for a
 * reason in the data are set aside with that reason, the rest of their batch is stored, and the
 * batches behind them flow; nothing is lost or stored twice.
 */
@ExtendWith(VertxExtension.class)
class QuarantineIT {
  private static final Instant T0 = Instant.parse("2026-05-01T00:00:00Z");
  private static final int TAGS = 50;
  /** Above the ceiling the test plant's DBA added to reading.value. */
  private static final double REFUSED = 1e9;
  private static TestDatabase.Schema schema;

  @TempDir Path spoolDir;

  @BeforeAll
  static void migrate() {
    schema = TestDatabase.createMigratedSchema("quarantine");
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  @BeforeEach
  void empty() throws SQLException {
    execute("truncate reading, spool_commit, reading_quarantine, quarantine_batch");
    execute("alter table reading drop constraint if exists plant_value_ceiling");
    execute("alter table reading drop constraint if exists plant_known_tag");
  }

  // The case: a check constraint a crafted batch violates, with the spool on.
  @Test
  void refusedReadingsAreQuarantinedWithTheReasonAndEverythingElseIsStored(Vertx vertx) throws Exception {
    execute("alter table reading add constraint plant_value_ceiling check (value is null or value < 1e6)");
    ReadingSpool spool = ReadingSpool.open(
        new SpoolConfig(spoolDir, 4L << 20, 50, 1L << 30, SpoolConfig.FullPolicy.DROP_OLDEST), Clock.systemUTC());
    ReadingWriterVerticle writer = deploy(vertx, new CopyReadingWriter(schema.dataSource()), spool);
    // bad readings scattered: one alone, two at a batch's edges, a whole batch, one mid-batch
    Set<Integer> bad = new HashSet<>(List.of(157, 500, 549, 1525));
    for (int i = 1000; i < 1050; i++) {
      bad.add(i);
    }
    int batches = 40;
    try {
      for (int b = 0; b < batches; b++) {
        publish(vertx, batch(b * 50, 50, bad));
      }
      int total = batches * 50;
      eventually(vertx, () -> spool.metrics().recordsPending() == 0
          && writer.metrics().committed() + writer.metrics().quarantined() == total, writer);
      // live data behind the quarantined batches flows
      publish(vertx, batch(total, 50, Set.of()));
      eventually(vertx, () -> writer.metrics().committed() == total - bad.size() + 50, writer);

      WriterMetrics m = writer.metrics();
      long stored = scalar("select count(*) from reading");
      long quarantined = scalar("select count(*) from reading_quarantine");
      System.out.printf("quarantine IT: published=%d, refused=%d, stored=%d, quarantined=%d, lost=%d,"
              + " duplicated=%d, quarantineBatches=%d, failedAttempts=%d%n", total + 50, bad.size(), stored,
          quarantined, total + 50 - stored - quarantined, duplicates(), m.quarantineBatches(), m.commitErrors());
      assertEquals(total + 50 - bad.size(), stored);
      assertEquals(bad.size(), quarantined);
      assertEquals(bad.size(), m.quarantined());
      assertEquals(0, duplicates());
      assertEquals(0, scalar("select count(*) from reading where value >= 1e6"));
      assertEquals(0, scalar("select count(*) from reading_quarantine where value < 1e6"));
      // every reading is in exactly one of the two tables: numbered 0..n-1 by its source time
      assertEquals(total + 50, scalar("""
          select count(distinct ts) from (select ts from reading union all select ts from reading_quarantine) a"""));

      ReadingQuarantine view = new JdbcReadingQuarantine(schema.dataSource());
      List<QuarantineBatch> recent = view.recent(100);
      assertEquals(m.quarantineBatches(), recent.size());
      assertEquals(bad.size(), recent.stream().mapToInt(QuarantineBatch::rowsQuarantined).sum());
      for (QuarantineBatch q : recent) {
        assertEquals("23514", q.sqlState(), q.toString());
        assertTrue(q.reason().contains("plant_value_ceiling"), q.reason());
        assertEquals(spool.id(), q.spoolId());
        assertTrue(q.rowsOffered() >= q.rowsQuarantined(), q.toString());
      }
      ReadingQuarantine.Totals totals = view.totals();
      assertEquals(bad.size(), totals.readings());
      QuarantineBatch newest = recent.get(0);
      List<QuarantinedReading> rows = view.readings(newest.id(), 1_000);
      assertEquals(newest.rowsQuarantined(), rows.size());
      assertEquals(REFUSED, rows.get(0).reading().value());
    } finally {
      undeploy(vertx);
      spool.close();
    }
  }

  // Without the "COPY reading, line N" hint (a foreign key checked at the statement's end) the
  // rows are halved; and the memory-only writer quarantines as the spooled one does.
  @Test
  void refusalWithoutARowNumberIsIsolatedByHalving(Vertx vertx) throws Exception {
    int known;
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("insert into tag (station, equipment, name, node_id)"
            + " values ('s', 'e', 't', 'ns=2;s=t') returning id")) {
      rs.next();
      known = rs.getInt(1);
    }
    execute("alter table reading add constraint plant_known_tag foreign key (tag_id) references tag (id)"
        + " deferrable initially deferred");
    try {
      ReadingWriterVerticle writer = deploy(vertx, new CopyReadingWriter(schema.dataSource()), null);
      List<Reading> readings = new ArrayList<>();
      Set<Integer> unknown = Set.of(3, 64, 65, 200);
      for (int i = 0; i < 256; i++) {
        readings.add(new Reading(unknown.contains(i) ? 999_999 : known, T0.plusMillis(i), null, (double) i, 0));
      }
      publish(vertx, new ReadingBatch("e", readings));
      eventually(vertx, () -> writer.metrics().committed() + writer.metrics().quarantined() == 256, writer);
      assertEquals(252, scalar("select count(*) from reading"));
      assertEquals(4, scalar("select count(*) from reading_quarantine where tag_id = 999999 and sql_state = '23503'"));
      assertEquals(4, writer.metrics().quarantined());
    } finally {
      undeploy(vertx);
      execute("alter table reading drop constraint plant_known_tag");
      execute("delete from tag");
    }
  }

  private static ReadingBatch batch(int first, int n, Set<Integer> bad) {
    List<Reading> readings = new ArrayList<>(n);
    for (int i = first; i < first + n; i++) {
      double value = bad.contains(i) ? REFUSED : i;
      readings.add(new Reading(1 + i % TAGS, T0.plusMillis(i), T0.plusMillis(i), value, 0));
    }
    return new ReadingBatch("eq", readings);
  }

  private static ReadingWriterVerticle deploy(Vertx vertx, ReadingSink sink, ReadingSpool spool) throws Exception {
    LocalCodecs.register(vertx.eventBus());
    ReadingWriterVerticle writer = new ReadingWriterVerticle(sink, new WriterConfig(500, 50, 10_000), spool);
    await(vertx.deployVerticle(writer));
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

  /** Waits at most 60 s for the condition, checked on a Vert.x timer. */
  private static void eventually(Vertx vertx, BooleanSupplier condition, ReadingWriterVerticle writer)
      throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long timer = vertx.setPeriodic(10, id -> {
      if (condition.getAsBoolean()) {
        done.complete(null);
      }
    });
    try {
      done.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      fail("condition not met within 60 s: " + writer.metrics() + ", spool=" + writer.spoolMetrics());
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static long duplicates() throws SQLException {
    return scalar("select count(*) from (select 1 from reading group by tag_id, ts having count(*) > 1) d");
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
