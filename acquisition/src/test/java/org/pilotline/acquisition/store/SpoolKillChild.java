package org.pilotline.acquisition.store;

import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.store.spool.ReadingSpool;
import org.pilotline.acquisition.store.spool.SpoolConfig;

/**
 * The process {@link SpoolKillIT} kills with SIGKILL: a writer with a spool, fed at a steady rate
 * with readings numbered 0, 1, 2... in batches of {@link #BATCH}. Every 20 ms it prints
 * {@code appended=<n>}: the readings the spool has accepted so far.
 *
 * <p>Arguments: jdbcUrl schema spoolDir readingsPerSecond.
 */
public final class SpoolKillChild {
  static final int BATCH = 50;
  static final int TAGS = 50;

  private SpoolKillChild() {}

  public static void main(String[] args) throws Exception {
    HikariDataSource ds = Database.createDataSource(args[0], null, null, args[1], 2);
    ReadingSpool spool = ReadingSpool.open(SpoolKillIT.spoolConfig(Path.of(args[2])), Clock.systemUTC());
    int rate = Integer.parseInt(args[3]);
    Vertx vertx = Vertx.vertx();
    LocalCodecs.register(vertx.eventBus());
    vertx.deployVerticle(new ReadingWriterVerticle(new CopyReadingWriter(ds),
        new WriterConfig(1_000, 50, 10_000), spool)).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    long t0 = System.nanoTime();
    long[] sent = {0};
    vertx.setPeriodic(10, id -> {
      long due = (System.nanoTime() - t0) * rate / 1_000_000_000L / BATCH;
      while (sent[0] < due) {
        vertx.eventBus().publish(Addresses.READINGS, batch((int) (sent[0] * BATCH), BATCH));
        sent[0]++;
      }
    });
    vertx.setPeriodic(20, id -> System.out.println("appended=" + spool.lastSeq() * BATCH));
    System.out.println("started");
    // runs until killed
    new CountDownLatch(1).await(10, TimeUnit.MINUTES);
  }

  static ReadingBatch batch(int first, int n) {
    List<Reading> readings = new ArrayList<>(n);
    for (int i = first; i < first + n; i++) {
      readings.add(new Reading(i % TAGS, SpoolKillIT.T0.plusMillis(i), null, (double) i, 0L));
    }
    return new ReadingBatch("killChild", readings);
  }
}
