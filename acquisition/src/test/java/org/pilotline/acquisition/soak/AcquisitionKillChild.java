package org.pilotline.acquisition.soak;

import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.opcua.MiloEquipmentClient;
import org.pilotline.acquisition.store.CopyReadingWriter;
import org.pilotline.acquisition.store.Database;
import org.pilotline.acquisition.store.JdbcDataGapStore;
import org.pilotline.acquisition.store.JdbcTagRegistry;
import org.pilotline.acquisition.store.ReadingWriterVerticle;
import org.pilotline.acquisition.store.WriterConfig;
import org.pilotline.acquisition.store.WriterMetrics;
import org.pilotline.acquisition.store.spool.ReadingSpool;
import org.pilotline.acquisition.store.spool.SpoolConfig;

/**
 * The acquisition process {@link AcquisitionKillIT} kills with SIGKILL: the production path as
 * the node runs it (one {@link MiloEquipmentClient} per equipment of the soak line, the
 * {@link ReadingWriterVerticle} with the disk spool at the settings of
 * {@code config/application.yaml}, binary COPY into PostgreSQL). Every 50 ms it prints
 * {@code status subscribed=<tags> delivered=<values> received=<readings> committed=<readings>
 * pending=<readings>}; once at start {@code spool opened pending=<readings>}: what a killed
 * predecessor left in the spool.
 *
 * <p>Arguments: jdbcUrl schema spoolDir simulatorPort readingsPerSecond changeMs equipment
 * fsyncIntervalMs.
 */
public final class AcquisitionKillChild {
  private AcquisitionKillChild() {}

  public static void main(String[] args) throws Exception {
    HikariDataSource ds = Database.createDataSource(args[0], null, null, args[1], 4);
    Path spoolDir = Path.of(args[2]);
    SoakLine soak = SoakLine.forRate("127.0.0.1", Integer.parseInt(args[3]), Integer.parseInt(args[4]),
        Double.parseDouble(args[5]), Integer.parseInt(args[6]));
    int fsyncMs = Integer.parseInt(args[7]);
    Line line = soak.forAcquisition();
    // as the node does at start: the ids of tags already registered are kept
    Map<String, Integer> tagIds = JdbcTagRegistry.register(ds, line);
    ReadingSpool spool = ReadingSpool.open(new SpoolConfig(spoolDir, 64L << 20, fsyncMs, 10L << 30,
        SpoolConfig.FullPolicy.DROP_OLDEST), Clock.systemUTC());
    System.out.println("spool opened pending=" + spool.metrics().readingsPending());
    Vertx vertx = Vertx.vertx();
    LocalCodecs.register(vertx.eventBus());
    ReadingWriterVerticle writer = new ReadingWriterVerticle(new CopyReadingWriter(ds), WriterConfig.DEFAULTS, spool);
    vertx.deployVerticle(writer).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    JdbcDataGapStore gaps = new JdbcDataGapStore(ds);
    List<MiloEquipmentClient> clients = new ArrayList<>();
    List<Future<String>> deployed = new ArrayList<>();
    for (Station s : line.stations()) {
      for (Equipment e : s.equipment()) {
        MiloEquipmentClient c = new MiloEquipmentClient(e, s.id(), tagIds, Clock.systemUTC(), gaps);
        clients.add(c);
        deployed.add(vertx.deployVerticle(c));
      }
    }
    vertx.setPeriodic(50, id -> {
      long subscribed = clients.stream().flatMap(c -> c.tagStatuses().values().stream()).filter(TagStatus::ok).count();
      long delivered = clients.stream().mapToLong(c -> c.counters().notificationsReceived()).sum();
      WriterMetrics w = writer.metrics();
      System.out.printf(Locale.ROOT, "status subscribed=%d delivered=%d received=%d committed=%d pending=%d%n",
          subscribed, delivered, w.received(), w.committed(), spool.metrics().readingsPending());
      System.out.flush();
    });
    Future.all(deployed).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    // runs until killed
    new CountDownLatch(1).await(10, TimeUnit.MINUTES);
  }
}
