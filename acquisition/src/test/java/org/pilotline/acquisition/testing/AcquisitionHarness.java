package org.pilotline.acquisition.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.opcua.MiloEquipmentClient;
import org.pilotline.acquisition.opcua.security.Pki;
import org.pilotline.acquisition.store.CopyReadingWriter;
import org.pilotline.acquisition.store.JdbcDataGapStore;
import org.pilotline.acquisition.store.JdbcTagRegistry;
import org.pilotline.acquisition.store.JdbcUnitStore;
import org.pilotline.acquisition.store.ProcessWindowVerticle;
import org.pilotline.acquisition.store.ReadingSink;
import org.pilotline.acquisition.store.ReadingWriterVerticle;
import org.pilotline.acquisition.store.WriterConfig;

/**
 * The acquisition path as the launcher wires it (one client per equipment, the reading writer,
 * the process-window verticle) on its own Vert.x, for end-to-end ITs against a real database and
 * a real OPC UA server.
 */
public final class AcquisitionHarness implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final List<MiloEquipmentClient> clients = new ArrayList<>();
  private final Map<String, Integer> tagIds;
  private final ReadingWriterVerticle writer;
  private final ProcessWindowVerticle windows;

  private AcquisitionHarness(DataSource dataSource, Line line, WriterConfig writerConfig, ReadingSink sink,
      Path pkiDir) throws Exception {
    LocalCodecs.register(vertx.eventBus());
    tagIds = JdbcTagRegistry.register(dataSource, line);
    writer = new ReadingWriterVerticle(sink, writerConfig);
    windows = new ProcessWindowVerticle(new JdbcUnitStore(dataSource), line.route().get(line.route().size() - 1));
    await(vertx.deployVerticle(writer));
    await(vertx.deployVerticle(windows));
    List<Future<String>> deployed = new ArrayList<>();
    for (Station s : line.stations()) {
      for (Equipment e : s.equipment()) {
        MiloEquipmentClient c =
            new MiloEquipmentClient(e, s.id(), tagIds, Clock.systemUTC(), new JdbcDataGapStore(dataSource), pkiDir);
        clients.add(c);
        deployed.add(vertx.deployVerticle(c));
      }
    }
    await(Future.all(deployed));
  }

  /** Registers the line's tags and starts acquisition; returns once every client subscribed. */
  public static AcquisitionHarness start(DataSource dataSource, Line line) throws Exception {
    return start(dataSource, line, new WriterConfig(2_000, 100, 200_000));
  }

  /** As {@link #start(DataSource, Line)}, with the writer configured as given (benchmarks use the production defaults). */
  public static AcquisitionHarness start(DataSource dataSource, Line line, WriterConfig writerConfig) throws Exception {
    return new AcquisitionHarness(dataSource, line, writerConfig, new CopyReadingWriter(dataSource), Pki.DEFAULT_DIR);
  }

  /**
   * As {@link #start(DataSource, Line)}, with the clients' PKI folder given (secure endpoints:
   * the application certificate and the trusted server certificates).
   */
  public static AcquisitionHarness start(DataSource dataSource, Line line, Path pkiDir) throws Exception {
    return new AcquisitionHarness(dataSource, line, new WriterConfig(2_000, 100, 200_000),
        new CopyReadingWriter(dataSource), pkiDir);
  }

  /**
   * As {@link #start(DataSource, Line, WriterConfig)}, with the writer's sink given (a benchmark
   * wraps the {@link CopyReadingWriter} to keep what was committed).
   */
  public static AcquisitionHarness start(DataSource dataSource, Line line, WriterConfig writerConfig,
      ReadingSink sink) throws Exception {
    return new AcquisitionHarness(dataSource, line, writerConfig, sink, Pki.DEFAULT_DIR);
  }

  public Vertx vertx() {
    return vertx;
  }

  public Map<String, Integer> tagIds() {
    return tagIds;
  }

  /** One client per equipment, in line order. */
  public List<MiloEquipmentClient> clients() {
    return List.copyOf(clients);
  }

  public ReadingWriterVerticle writer() {
    return writer;
  }

  public ProcessWindowVerticle windows() {
    return windows;
  }

  public Map<String, TagStatus> tagStatuses() {
    Map<String, TagStatus> all = new LinkedHashMap<>();
    clients.forEach(c -> all.putAll(c.tagStatuses()));
    return all;
  }

  /** Undeploys the clients, then closes Vert.x, which flushes the writer. */
  @Override
  public void close() throws Exception {
    for (MiloEquipmentClient c : clients) {
      if (c.deploymentID() != null) {
        await(vertx.undeploy(c.deploymentID()));
      }
    }
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Polls until the condition holds or the deadline passes; returns whether it held. */
  public static boolean waitFor(Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      // A poll interval, not synchronisation: the condition is re-read from the source of truth.
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return condition.getAsBoolean();
  }
}
