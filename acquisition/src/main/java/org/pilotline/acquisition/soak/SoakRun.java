package org.pilotline.acquisition.soak;

import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.TagRef;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.opcua.MiloEquipmentClient;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.sim.WriteListener;
import org.pilotline.acquisition.store.CopyReadingWriter;
import org.pilotline.acquisition.store.Database;
import org.pilotline.acquisition.store.JdbcDataGapStore;
import org.pilotline.acquisition.store.JdbcTagRegistry;
import org.pilotline.acquisition.store.ReadingWriterVerticle;
import org.pilotline.acquisition.store.SchemaMigrator;
import org.pilotline.acquisition.store.WriterConfig;
import org.pilotline.acquisition.store.WriterMetrics;
import org.pilotline.acquisition.store.spool.ReadingSpool;
import org.pilotline.acquisition.store.spool.SpoolConfig;
import org.pilotline.acquisition.store.spool.SpoolMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One soak: the simulator (a real Milo server) publishing a synthetic line at a given rate,
 * acquired by the production path (one {@link MiloEquipmentClient} per equipment, the
 * {@link ReadingWriterVerticle} with the disk spool, binary COPY) into PostgreSQL, which is
 * really stopped and restarted on a schedule. At the end both sides are counted: what the
 * simulator published (a {@link PublishCounter}) and what the database holds, per tag and
 * source time.
 *
 * <p>{@link #start} builds everything and returns once every tag is subscribed; {@link #run}
 * produces for the configured duration, then stops the simulator's changes, waits until
 * everything delivered is committed, stops acquisition and counts. The database stays up until
 * {@link #close()}, so that a caller can check the rows itself.
 */
public final class SoakRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SoakRun.class);
  private static final long STEP_TIMEOUT_S = 120;
  private static final long TICK_MS = 50;
  /** An outage is started only if it ends at least this long before production stops. */
  private static final Duration RECOVERY_ROOM = Duration.ofSeconds(10);
  private static final Duration DRAIN_LIMIT = Duration.ofMinutes(10);
  private static final long CAUGHT_UP_AGE_MS = 1_000;

  private final SoakOptions options;
  private final PrintStream out;
  private final PublishCounter counter = new PublishCounter();
  private final List<MiloEquipmentClient> clients = new ArrayList<>();
  private Path dir;
  private boolean temporaryDir;
  private RestartableDatabase database;
  private HikariDataSource dataSource;
  private String schema;
  private SoakLine soakLine;
  private Line line;
  private Map<String, Integer> tagIds;
  private SimulatorServer simulator;
  private Vertx vertx;
  private ReadingSpool spool;
  private ReadingWriterVerticle writer;
  private boolean acquisitionStopped;
  private final List<SoakResult.Outage> outages = new ArrayList<>();
  private OutageState current;
  private long runStart;
  private Thread stopOnExit;

  private SoakRun(SoakOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /**
   * Starts the database, the simulator and acquisition; returns once every tag is subscribed.
   *
   * @param extra told of every simulator write as well (tests keep an exact log); may be
   *     {@link WriteListener#NONE}
   */
  public static SoakRun start(SoakOptions options, PrintStream out, WriteListener extra) throws Exception {
    SoakRun run = new SoakRun(options, out);
    try {
      run.startAll(extra);
      return run;
    } catch (Exception | Error e) {
      run.close();
      throw e;
    }
  }

  private void startAll(WriteListener extra) throws Exception {
    long t0 = System.nanoTime();
    temporaryDir = options.dir() == null;
    dir = temporaryDir ? Files.createTempDirectory("pilotline-soak-") : options.dir().toAbsolutePath();
    Files.createDirectories(dir);
    String url = options.jdbcUrl();
    if (url == null) {
      database = RestartableDatabase.start(dir.resolve("postgres"));
      url = database.jdbcUrl();
      // Ctrl-C must not leave the server running: it is a process of its own
      RestartableDatabase db = database;
      stopOnExit = new Thread(db::stop, "soak-database-stop");
      Runtime.getRuntime().addShutdownHook(stopOnExit);
    }
    schema = "soak_" + DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss", Locale.ROOT)
        .format(Instant.now().atOffset(ZoneOffset.UTC));
    dataSource = Database.createDataSource(url, null, null, schema, 4);
    SchemaMigrator.migrate(dataSource, schema);

    soakLine = SoakLine.forRate("127.0.0.1", freePort(), options.rate(), options.changeMs(), options.equipment());
    line = soakLine.forAcquisition();
    tagIds = JdbcTagRegistry.register(dataSource, line);
    WriteListener listeners = new WriteListener() {
      @Override
      public void onWrite(String nodeIdText, Instant sourceTime, double value, long statusCode) {
        counter.onWrite(nodeIdText, sourceTime, value, statusCode);
        extra.onWrite(nodeIdText, sourceTime, value, statusCode);
      }
    };
    simulator = SimulatorServer.create(soakLine.forSimulator(),
        SimulatorOptions.defaults().withTickMs(Math.max(1, Math.round(options.changeMs()))), listeners)
        // published = written: no value is replaced on the server before a sample could see it
        .reportEveryWrite();
    simulator.startAsync().get(STEP_TIMEOUT_S, TimeUnit.SECONDS);

    vertx = Vertx.vertx();
    LocalCodecs.register(vertx.eventBus());
    // the production settings of config/application.yaml
    spool = ReadingSpool.open(new SpoolConfig(dir.resolve("spool"), 64L << 20, 200, 10L << 30,
        SpoolConfig.FullPolicy.DROP_OLDEST), Clock.systemUTC());
    writer = new ReadingWriterVerticle(new CopyReadingWriter(dataSource), WriterConfig.DEFAULTS, spool);
    await(vertx.deployVerticle(writer));
    List<Future<String>> deployed = new ArrayList<>();
    JdbcDataGapStore gaps = new JdbcDataGapStore(dataSource);
    for (Station s : line.stations()) {
      for (Equipment e : s.equipment()) {
        MiloEquipmentClient c = new MiloEquipmentClient(e, s.id(), tagIds, Clock.systemUTC(), gaps);
        clients.add(c);
        deployed.add(vertx.deployVerticle(c));
      }
    }
    await(Future.all(deployed));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_TIMEOUT_S);
    while (subscribedTags() < soakLine.tags()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("soak: only " + subscribedTags() + " of " + soakLine.tags()
            + " tags subscribed after " + STEP_TIMEOUT_S + " s");
      }
      TimeUnit.MILLISECONDS.sleep(TICK_MS);
    }
    out.printf(Locale.ROOT, "soak: started in %.1f s: %,d tags changing every %.0f ms on %d endpoints"
            + " (%,.0f readings/s offered, every write reported), publishing %.0f ms, queue %d;"
            + " database %s, schema %s; spool %s%n",
        (System.nanoTime() - t0) / 1e9, soakLine.tags(), soakLine.changeMs(), clients.size(),
        soakLine.offeredPerSecond(), soakLine.publishingMs(), soakLine.queueSize(),
        database != null ? "embedded " + database.dataDirectory() : "given URL", schema, dir.resolve("spool"));
    out.flush();
  }

  private long subscribedTags() {
    return clients.stream().flatMap(c -> c.tagStatuses().values().stream()).filter(TagStatus::ok).count();
  }

  /** Produces, stops and restarts the database on schedule, drains, stops acquisition and counts. */
  public SoakResult run() throws Exception {
    Monitor m = new Monitor();
    // on a whole microsecond: rows keep source times truncated to micros, so "ts >= from" in the
    // database selects exactly the writes the counter counts
    Instant from = Instant.now().plusMillis(Math.round(2 * options.changeMs())).truncatedTo(ChronoUnit.MICROS);
    counter.countFrom(from);
    runStart = System.nanoTime();
    long durationNanos = options.duration().toNanos();
    long nextProgress = runStart + options.progressEvery().toNanos();
    int outageIndex = 0;
    out.printf(Locale.ROOT, "soak: counting from source time %s for %s%s%n", from, options.duration(),
        options.outageEvery() == null ? ", no outages"
            : ", database stopped for " + options.outage().toSeconds() + " s every "
                + options.outageEvery().toSeconds() + " s from " + options.firstOutageAfter().toSeconds() + " s");
    out.flush();
    while (true) {
      long now = System.nanoTime();
      long elapsed = now - runStart;
      if (elapsed >= durationNanos && (current == null || !current.down)) {
        break;
      }
      m.sample();
      if ((current == null || !current.down) && options.outageEvery() != null) {
        long at = options.firstOutageAfter().toNanos() + outageIndex * options.outageEvery().toNanos();
        if (elapsed >= at && elapsed + options.outage().toNanos() + RECOVERY_ROOM.toNanos() <= durationNanos) {
          if (current != null) {
            // on schedule all the same: the next outage lands on the backlog of this one
            out.printf(Locale.ROOT, "soak: %s outage %d not caught up before the next: %,d readings still"
                + " pending%n", clock(elapsed), outageIndex, spool.metrics().readingsPending());
            outages.add(current.finish(0));
            current = null;
          }
          outageIndex++;
          stopDatabase(elapsed, outageIndex);
        }
      }
      if (current != null && current.down && now - current.stopBegan >= options.outage().toNanos()) {
        restartDatabase();
      }
      trackRecovery();
      if (now >= nextProgress) {
        progress(m, elapsed, current != null && current.down);
        nextProgress += options.progressEvery().toNanos();
      }
      TimeUnit.MILLISECONDS.sleep(TICK_MS);
    }
    simulator.stopChanging();
    double productionSeconds = Math.max(0, Duration.between(from, Instant.now()).toNanos() / 1e9);
    out.printf(Locale.ROOT, "soak: %s production stopped; draining%n", clock(System.nanoTime() - runStart));
    out.flush();
    long drainMs = drain(m);
    if (current != null) {
      outages.add(current.finish(0));
      current = null;
    }
    stopAcquisition();
    m.sample();
    m.sampleDisk();
    return count(from, productionSeconds, drainMs, outages, m);
  }

  /** Stops the server and checks that it refuses connections. */
  private void stopDatabase(long elapsed, int index) {
    current = new OutageState(elapsed / 1e9);
    out.printf(Locale.ROOT, "soak: %s database stopping (outage %d)%n", clock(elapsed), index);
    out.flush();
    current.stopBegan = System.nanoTime();
    database.stop();
    current.down = true;
    try (Connection c = DriverManager.getConnection(database.jdbcUrl())) {
      LOG.error("soak: the database still accepts connections after its stop: url={}", database.jdbcUrl());
    } catch (SQLException expected) {
      current.verifiedDown = true;
    }
  }

  /** While an outage is being caught up: first commit after the restart, and when the backlog is written. */
  private void trackRecovery() {
    if (current == null) {
      return;
    }
    long now = System.nanoTime();
    SpoolMetrics sm = spool.metrics();
    current.peakPending = Math.max(current.peakPending, sm.readingsPending());
    current.peakBytes = Math.max(current.peakBytes, sm.bytesUsed());
    if (current.down) {
      return;
    }
    if (current.firstCommitAt == 0 && writer.metrics().committed() > current.committedAtBack) {
      current.firstCommitAt = now;
    }
    if (current.firstCommitAt != 0 && sm.oldestPendingAgeMs() < CAUGHT_UP_AGE_MS) {
      SoakResult.Outage o = current.finish(now);
      outages.add(o);
      out.printf(Locale.ROOT, "soak: %s caught up %d ms after the database returned (first commit"
              + " after %d ms); peak %,d readings pending, %s in the spool%n",
          clock(now - runStart), o.recoveryMs(), o.firstCommitMs(), o.peakPendingReadings(), mib(o.peakSpoolBytes()));
      out.flush();
      current = null;
    }
  }

  private void restartDatabase() throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        database.restart();
        current.down = false;
        current.backAt = System.nanoTime();
        current.committedAtBack = writer.metrics().committed();
        out.printf(Locale.ROOT, "soak: %s database back after %.1f s; spool holds %,d readings%n",
            clock(current.backAt - runStart), (current.backAt - current.stopBegan) / 1e9,
            spool.metrics().readingsPending());
        out.flush();
        return;
      } catch (IOException | RuntimeException e) {
        if (attempt == 3) {
          throw e;
        }
        LOG.warn("database restart failed, will retry: attempt={}, cause={}", attempt, e.toString());
        TimeUnit.SECONDS.sleep(2);
      }
    }
  }

  /** Waits until the clients hear nothing new and the spool is empty; returns how long it took. */
  private long drain(Monitor m) throws InterruptedException {
    long t0 = System.nanoTime();
    long quietNanos = TimeUnit.MILLISECONDS.toNanos(Math.round(3 * soakLine.publishingMs()));
    long lastNotifications = -1;
    long lastChange = t0;
    while (true) {
      m.sample();
      trackRecovery();
      long now = System.nanoTime();
      long n = delivered();
      if (n != lastNotifications) {
        lastNotifications = n;
        lastChange = now;
      }
      WriterMetrics w = writer.metrics();
      boolean quiet = now - lastChange >= quietNanos;
      if (quiet && spool.metrics().recordsPending() == 0
          && w.received() == w.committed() + w.dropped() + w.rejected()) {
        return (now - t0) / 1_000_000;
      }
      if (now - t0 > DRAIN_LIMIT.toNanos()) {
        LOG.error("soak: not drained after {}: writer={}, spool={}", DRAIN_LIMIT, w, spool.metrics());
        return (now - t0) / 1_000_000;
      }
      TimeUnit.MILLISECONDS.sleep(TICK_MS);
    }
  }

  private long delivered() {
    return clients.stream().mapToLong(c -> c.counters().notificationsReceived()).sum();
  }

  private void stopAcquisition() throws Exception {
    if (acquisitionStopped) {
      return;
    }
    acquisitionStopped = true;
    for (MiloEquipmentClient c : clients) {
      if (c.deploymentID() != null) {
        await(vertx.undeploy(c.deploymentID()));
      }
    }
    // closing Vert.x stops the writer, which commits what it still holds
    await(vertx.close());
    spool.close();
    simulator.stop();
  }

  private SoakResult count(Instant from, double productionSeconds, long drainMs,
      List<SoakResult.Outage> outageList, Monitor m) throws SQLException {
    Map<Integer, String> nodeOfTag = new HashMap<>();
    for (TagRef r : (Iterable<TagRef>) line.tagRefs()::iterator) {
      nodeOfTag.put(tagIds.get(r.key()), r.tag().nodeId());
    }
    long stored = 0;
    long lost = 0;
    long duplicated = 0;
    long unexpected = 0;
    Map<Integer, long[]> perTag = new HashMap<>();
    try (Connection c = dataSource.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("set work_mem = '256MB'");
      }
      try (PreparedStatement ps = c.prepareStatement(
          "select tag_id, count(*), count(distinct ts) from reading where ts >= ? group by tag_id")) {
        ps.setTimestamp(1, Timestamp.from(from));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            perTag.put(rs.getInt(1), new long[] {rs.getLong(2), rs.getLong(3)});
          }
        }
      }
    }
    for (Map.Entry<Integer, String> e : nodeOfTag.entrySet()) {
      long published = counter.count(e.getValue());
      long[] nd = perTag.getOrDefault(e.getKey(), new long[2]);
      stored += nd[0];
      duplicated += nd[0] - nd[1];
      lost += Math.max(0, published - nd[1]);
      unexpected += Math.max(0, nd[1] - published);
    }
    for (Map.Entry<Integer, long[]> e : perTag.entrySet()) {
      if (!nodeOfTag.containsKey(e.getKey())) {
        stored += e.getValue()[0];
        unexpected += e.getValue()[0];
      }
    }
    WriterMetrics w = writer.metrics();
    return new SoakResult(counter.total(), delivered(), stored, lost, duplicated, unexpected, w.dropped(),
        w.rejected(), productionSeconds, soakLine.offeredPerSecond(), drainMs, outageList, m.maxHeap,
        m.maxHeapAfterGc, m.maxSpoolBytes, database == null ? -1 : m.maxDatabaseBytes, m.maxDiskBytes);
  }

  private void progress(Monitor m, long elapsed, boolean down) {
    m.sampleDisk();
    SpoolMetrics sm = spool.metrics();
    WriterMetrics w = writer.metrics();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    out.printf(Locale.ROOT, "soak: %s database=%s produced=%,d committed=%,d spool=%s (%,d readings,"
            + " oldest %.1f s) heap=%s disk=%s (spool %s + database %s) dropped=%d commitErrors=%d%n",
        clock(elapsed), down ? "DOWN" : "up", counter.total(), w.committed(), mib(sm.bytesUsed()),
        sm.readingsPending(), sm.oldestPendingAgeMs() / 1000.0, mib(heap.getUsed()),
        mib(m.lastDatabaseBytes + sm.bytesUsed()), mib(sm.bytesUsed()),
        database == null ? "n/a" : mib(m.lastDatabaseBytes), w.dropped(), w.commitErrors());
    out.flush();
  }

  /** Prints the figures, one per line, as the soak command reports them. */
  public static void print(SoakResult r, PrintStream out) {
    out.println();
    out.printf(Locale.ROOT, "SOAK produced (published by the simulator): %,d in %.1f s = %,.0f readings/s"
        + " (%,.0f offered)%n", r.produced(), r.productionSeconds(), r.achievedPerSecond(), r.offeredPerSecond());
    out.printf(Locale.ROOT, "SOAK stored (rows in the window):          %,d%n", r.stored());
    out.printf(Locale.ROOT, "SOAK lost:                                 %,d%n", r.lost());
    out.printf(Locale.ROOT, "SOAK duplicated:                           %,d%n", r.duplicated());
    out.printf(Locale.ROOT, "SOAK stored but never published:           %,d%n", r.unexpected());
    out.printf(Locale.ROOT, "SOAK writer dropped / rejected:            %,d / %,d%n", r.writerDropped(), r.rejected());
    out.printf(Locale.ROOT, "SOAK delivered to the clients (whole run): %,d; drained %d ms after production stopped%n",
        r.delivered(), r.drainMs());
    int i = 1;
    for (SoakResult.Outage o : r.outages()) {
      out.printf(Locale.ROOT, "SOAK outage %d at %.0f s: down %.1f s (%s), first commit %d ms and backlog"
              + " written %d ms after the restart; peak %,d readings / %s in the spool%n", i++, o.startSecond(),
          o.downMs() / 1000.0, o.refusedConnections() ? "connections refused" : "NOT verified down", o.firstCommitMs(), o.recoveryMs(), o.peakPendingReadings(), mib(o.peakSpoolBytes()));
    }
    out.printf(Locale.ROOT, "SOAK max heap used %s, max heap after GC %s%n", mib(r.maxHeapUsedBytes()),
        mib(r.maxHeapAfterGcBytes()));
    out.printf(Locale.ROOT, "SOAK max disk %s (spool max %s, database max %s)%n", mib(r.maxDiskBytes()),
        mib(r.maxSpoolBytes()), r.maxDatabaseBytes() < 0 ? "n/a" : mib(r.maxDatabaseBytes()));
    out.printf(Locale.ROOT, "SOAK %s%n", r.passed() ? "PASSED: nothing lost, nothing duplicated"
        : "FAILED: readings lost, duplicated, invented or dropped");
    out.flush();
  }

  /** The database the run writes to; valid until {@link #close()}. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** The line acquisition subscribed to (tag keys and node ids). */
  public Line line() {
    return line;
  }

  public Map<String, Integer> tagIds() {
    return tagIds;
  }

  /** The first source time counted; rows before it are not compared. */
  public Instant countedFrom() {
    return counter.from();
  }

  /** Stops whatever still runs; deletes a temporary folder (and a given server's schema) unless kept. */
  @Override
  public void close() {
    if (vertx != null && !acquisitionStopped) {
      quietly("acquisition", this::stopAcquisition);
    }
    if (simulator != null) {
      simulator.stop();
    }
    if (dataSource != null) {
      if (options.jdbcUrl() != null && !options.keep()) {
        quietly("schema drop", () -> {
          try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("drop schema " + schema + " cascade");
          }
        });
      }
      dataSource.close();
    }
    if (database != null) {
      quietly("database", database::close);
      quietly("shutdown hook", () -> Runtime.getRuntime().removeShutdownHook(stopOnExit));
    }
    if (dir != null && temporaryDir && !options.keep()) {
      quietly("folder", () -> deleteTree(dir));
    } else if (dir != null) {
      out.println("soak: kept " + dir + (options.jdbcUrl() != null ? " and schema " + schema : ""));
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void quietly(String what, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      LOG.warn("soak shutdown step failed: step={}, cause={}", what, e.toString());
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(STEP_TIMEOUT_S, TimeUnit.SECONDS);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String clock(long nanos) {
    long s = nanos / 1_000_000_000L;
    return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private static final class OutageState {
    final double startSecond;
    boolean down;
    boolean verifiedDown;
    long stopBegan;
    long backAt;
    long committedAtBack;
    long firstCommitAt;
    long peakPending;
    long peakBytes;

    OutageState(double startSecond) {
      this.startSecond = startSecond;
    }

    SoakResult.Outage finish(long caughtUpAt) {
      long downMs = backAt == 0 ? -1 : (backAt - stopBegan) / 1_000_000;
      long first = firstCommitAt == 0 ? -1 : (firstCommitAt - backAt) / 1_000_000;
      long recovery = caughtUpAt == 0 ? -1 : (caughtUpAt - backAt) / 1_000_000;
      return new SoakResult.Outage(startSecond, verifiedDown, downMs, first, recovery, peakPending, peakBytes);
    }
  }

  /** Heap, spool and disk high-water marks. */
  private final class Monitor {
    final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()).toList();
    long maxHeap;
    long maxHeapAfterGc;
    long maxSpoolBytes;
    long maxDatabaseBytes;
    long lastDatabaseBytes;
    long maxDiskBytes;

    void sample() {
      maxHeap = Math.max(maxHeap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      long afterGc = 0;
      for (MemoryPoolMXBean p : heapPools) {
        MemoryUsage u = p.getCollectionUsage();
        afterGc += u == null ? 0 : u.getUsed();
      }
      maxHeapAfterGc = Math.max(maxHeapAfterGc, afterGc);
      if (spool != null && !acquisitionStopped) {
        long spoolBytes = spool.metrics().bytesUsed();
        maxSpoolBytes = Math.max(maxSpoolBytes, spoolBytes);
        // the database folder is walked at progress lines only: its last size with the spool now
        maxDiskBytes = Math.max(maxDiskBytes, lastDatabaseBytes + spoolBytes);
      }
    }

    /** Walks the database folder: only at progress lines and at the end. */
    void sampleDisk() {
      if (database != null) {
        lastDatabaseBytes = database.diskBytes();
        maxDatabaseBytes = Math.max(maxDatabaseBytes, lastDatabaseBytes);
      }
      long spoolBytes = spool == null || acquisitionStopped ? 0 : spool.metrics().bytesUsed();
      maxDiskBytes = Math.max(maxDiskBytes, lastDatabaseBytes + spoolBytes);
    }
  }
}
