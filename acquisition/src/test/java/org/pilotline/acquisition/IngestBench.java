package org.pilotline.acquisition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.opcua.MiloEquipmentClient;
import org.pilotline.acquisition.sim.DemoLines;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.store.CopyReadingWriter;
import org.pilotline.acquisition.store.ReadingSink;
import org.pilotline.acquisition.store.WriterConfig;
import org.pilotline.acquisition.store.WriterMetrics;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.acquisition.testing.TestLines;

/**
 * The ingest figure of docs/PERFORMANCE.md: a simulator of N tags changing every samplingMs,
 * acquired by one {@link MiloEquipmentClient} per equipment and written by the production
 * writer (ReadingWriterVerticle + CopyReadingWriter, {@link WriterConfig#DEFAULTS}) into a fresh
 * schema; then, in the same run, the rows committed during the measured window are copied again
 * into the same table by a bare {@link CopyReadingWriter} in batches of the writer's size. The
 * ratio of the two rates says how much of the raw COPY capacity acquisition delivers.
 *
 * <p>Run with {@code mvn -B verify -Pbench -pl acquisition -am}; settings as system properties
 * {@code bench.tags, bench.samplingMs, bench.clientSamplingMs, bench.seconds, bench.warmupSeconds,
 * bench.equipment, bench.publishingMs, bench.queueSize}. Prints {@code BENCH} lines; asserts only sanity (nothing
 * dropped, something committed, the database holds what the writer says it committed).
 */
class IngestBench {
  private final int tags = Integer.getInteger("bench.tags", 5_000);
  private final double samplingMs = Double.parseDouble(System.getProperty("bench.samplingMs", "100"));
  private final int seconds = Integer.getInteger("bench.seconds", 60);
  private final int warmupSeconds = Integer.getInteger("bench.warmupSeconds", 10);
  private final int equipment = Integer.getInteger("bench.equipment", 10);
  private final double publishingMs = Double.parseDouble(System.getProperty("bench.publishingMs", "1000"));
  // How often the client asks the server to sample; by default as often as the values change,
  // which loses the changes that fall between two samples when the two clocks drift apart.
  private final double clientSamplingMs =
      Double.parseDouble(System.getProperty("bench.clientSamplingMs", String.valueOf(samplingMs)));
  // Twice the samples of one publishing interval: a publish that comes a little late must not
  // overflow the server's queue (that would lose values and count against acquisition).
  private final int queueSize = Integer.getInteger("bench.queueSize",
      Math.max(2, (int) Math.ceil(2 * publishingMs / clientSamplingMs)));
  private final WriterConfig writerConfig = WriterConfig.DEFAULTS;

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES)
  void ingestKeepsUpAndIsComparedWithRawCopy() throws Exception {
    List<String> out = new ArrayList<>();
    String loadBefore = loadAverage();
    int port = TestLines.freePort();
    // Two views of one line: the simulator changes each tag every samplingMs, the clients sample
    // it every clientSamplingMs; node ids and tag keys are the same.
    Line line = DemoLines.onPort(
        DemoLines.syntheticLine(tags, samplingMs, equipment, publishingMs, queueSize), port);
    Line clientLine = DemoLines.onPort(
        DemoLines.syntheticLine(tags, clientSamplingMs, equipment, publishingMs, queueSize), port);
    // The simulator steps once per sampling interval: every tag takes a new value at every point
    // of its sampling grid (its counter says whether it kept up).
    SimulatorOptions simOptions = SimulatorOptions.defaults().withTickMs(Math.max(1, Math.round(samplingMs)));

    try (TestDatabase.Schema schema = TestDatabase.createMigratedSchema("bench")) {
      String database = describeDatabase(schema.dataSource());
      SimulatorServer sim = SimulatorServer.create(line, simOptions);
      RecordingSink sink = new RecordingSink(new CopyReadingWriter(schema.dataSource()));
      AcquisitionHarness acquisition = null;
      Window w;
      WriterMetrics finalMetrics;
      try {
        sim.startAsync().get(120, TimeUnit.SECONDS);
        acquisition = AcquisitionHarness.start(schema.dataSource(), clientLine, writerConfig, sink);
        long tagsOk = acquisition.tagStatuses().values().stream().filter(s -> s.ok()).count();
        assertEquals(tags, tagsOk, "every tag subscribed");

        // The warm-up and the window are measurement periods, not synchronisation.
        pause(Duration.ofSeconds(warmupSeconds));
        // Counters first and last, recording inside: the committed rate comes from the batches
        // recorded over the recording's own interval, so reading the counters costs it nothing.
        Snapshot s0 = Snapshot.take(sim, acquisition);
        sink.recording(true);
        pause(Duration.ofSeconds(seconds));
        sink.recording(false);
        Snapshot s1 = Snapshot.take(sim, acquisition);
        w = new Window(s0, s1, sink.lagAtEnd(s1.wall));
      } finally {
        if (acquisition != null) {
          // Clients first, then Vert.x, which flushes what the writer still holds.
          acquisition.close();
        }
        sim.stop();
      }
      finalMetrics = acquisition.writer().metrics();
      long rowsInTable = count(schema.dataSource());

      long rawWall0 = System.nanoTime();
      long rawJvm0 = jvmCpuNanos();
      long rawPg0 = postgresTicks();
      Raw raw = rawCopy(schema.dataSource(), sink.recorded(), writerConfig.batchRows());
      double rawWallS = (System.nanoTime() - rawWall0) / 1e9;
      double rawJvmCores = (jvmCpuNanos() - rawJvm0) / 1e9 / rawWallS;
      double rawPgCores = rawPg0 < 0 ? Double.NaN : (postgresTicks() - rawPg0) / 100.0 / rawWallS;

      double windowS = w.wallSeconds();
      double offered = (w.s1.simWrites - w.s0.simWrites) / windowS;
      double notified = (w.s1.notifications - w.s0.notifications) / windowS;
      long committedInWindow = sink.recordedRows();
      double committed = committedInWindow / sink.recordedSeconds();
      double rawRate = raw.rows / raw.seconds;
      double cores = Runtime.getRuntime().availableProcessors();
      MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();

      out.add(String.format(Locale.ROOT, "load before: %s; cores=%d, jvm=%s", loadBefore, (int) cores,
          System.getProperty("java.vm.version")));
      out.add("database: " + database);
      out.add(String.format(Locale.ROOT,
          "setup: tags=%d, samplingMs=%.0f (offered %.0f/s asked), clientSamplingMs=%.0f, equipment=%d,"
              + " publishingMs=%.0f, queueSize=%d, warmupS=%d, windowS=%.1f, writer batchRows=%d flushMs=%d"
              + " queueCapacity=%d",
          tags, samplingMs, tags * 1000 / samplingMs, clientSamplingMs, equipment, publishingMs, queueSize,
          warmupSeconds, windowS,
          writerConfig.batchRows(), writerConfig.flushMs(), writerConfig.queueCapacity()));
      out.add(String.format(Locale.ROOT, "offered (simulator writes)/s:   %,12.0f", offered));
      out.add(String.format(Locale.ROOT, "sampled (client values)/s:      %,12.0f  (%.4f of offered)",
          notified, notified / offered));
      out.add(String.format(Locale.ROOT, "committed readings/s:           %,12.0f  (%.4f of offered; %,d rows in window;"
          + " writer counter %,.0f/s)",
          committed, committed / offered, committedInWindow,
          (w.s1.writer.committed() - w.s0.writer.committed()) / windowS));
      out.add(String.format(Locale.ROOT, "raw binary COPY rows/s:         %,12.0f  (%,d rows, %d COPYs of <= %d, %.2f s in COPY)",
          rawRate, raw.rows, raw.batches, writerConfig.batchRows(), raw.seconds));
      out.add(String.format(Locale.ROOT,
          "raw COPY phase: %.1f s wall (rows rebuilt between COPYs untimed), cores busy: jvm %.2f, postgres %.2f",
          rawWallS, rawJvmCores, rawPgCores));
      out.add(String.format(Locale.ROOT, "ratio committed / raw COPY:     %12.3f", committed / rawRate));
      out.add(String.format(Locale.ROOT,
          "writer: dropped=%d, rejected=%d, commitErrors=%d; whole run received=%d, committed=%d, rows in table=%d",
          finalMetrics.dropped(), finalMetrics.rejected(), finalMetrics.commitErrors(), finalMetrics.received(),
          finalMetrics.committed(), rowsInTable));
      out.add(String.format(Locale.ROOT,
          "lag: writer queueDepth at start %d, at end %d; newest committed source time %.0f ms old at end,"
              + " commit - oldest source time per batch: mean %.0f ms, max %.0f ms",
          w.s0.writer.queueDepth(), w.s1.writer.queueDepth(),
          w.lag.newestAgeMs, w.lag.meanOldestMs, w.lag.maxOldestMs));
      out.add(String.format(Locale.ROOT,
          "cpu in window (cores busy of %d): jvm %.2f, postgres %.2f, whole machine %.2f; gc %d collections, %d ms;"
              + " heap used %d MiB of %d MiB",
          (int) cores, w.jvmCpuSeconds() / windowS, w.postgresCores(), cores * w.machineBusy(),
          w.s1.gcCount - w.s0.gcCount, w.s1.gcMs - w.s0.gcMs, heap.getUsed() >> 20, heap.getMax() >> 20));
      System.out.println();
      out.forEach(l -> System.out.println("BENCH " + l));
      System.out.println();

      assertEquals(0, finalMetrics.dropped(), "readings dropped by the writer");
      assertEquals(0, finalMetrics.commitErrors(), "failed COPYs");
      assertTrue(committedInWindow > 0, "nothing committed in the window");
      assertEquals(finalMetrics.committed() + raw.rows, count(schema.dataSource()),
          "rows in the table = committed by the writer + copied raw");
      assertEquals(finalMetrics.committed(), rowsInTable, "rows in the table after acquisition");
    }
  }

  // ------------------------------------------------------------------ raw COPY

  private record Raw(long rows, int batches, double seconds) {}

  /**
   * Copies the recorded rows again into the same table, committed batch by batch, as the writer
   * does. Only the write calls are timed: building the Reading objects is not COPY work. The
   * copies stay in the table, which the schema's drop removes at the end.
   */
  private static Raw rawCopy(DataSource ds, List<Columns> recorded, int batchRows) throws Exception {
    CopyReadingWriter writer = new CopyReadingWriter(ds);
    long nanos = 0;
    long rows = 0;
    int batches = 0;
    List<Reading> batch = new ArrayList<>(batchRows);
    for (int c = 0; c < recorded.size(); c++) {
      Columns cols = recorded.get(c);
      for (int i = 0; i < cols.size(); i++) {
        batch.add(cols.reading(i));
        boolean last = c == recorded.size() - 1 && i == cols.size() - 1;
        if (batch.size() == batchRows || last) {
          long t0 = System.nanoTime();
          writer.write(batch);
          nanos += System.nanoTime() - t0;
          rows += batch.size();
          batches++;
          batch = new ArrayList<>(batchRows);
        }
      }
    }
    return new Raw(rows, batches, nanos / 1e9);
  }

  // ------------------------------------------------------------------ recording

  /** The fields of a batch of readings in primitive arrays: keeps millions of rows without millions of objects. */
  private static final class Columns {
    private static final long NO_TIME = Long.MIN_VALUE;
    private final int[] tagId;
    private final long[] sourceNanos;
    private final long[] serverNanos;
    private final double[] value;
    private final boolean[] hasValue;
    private final long[] status;

    Columns(List<Reading> readings) {
      int n = readings.size();
      tagId = new int[n];
      sourceNanos = new long[n];
      serverNanos = new long[n];
      value = new double[n];
      hasValue = new boolean[n];
      status = new long[n];
      for (int i = 0; i < n; i++) {
        Reading r = readings.get(i);
        tagId[i] = r.tagId();
        sourceNanos[i] = nanos(r.sourceTime());
        serverNanos[i] = r.serverTime() == null ? NO_TIME : nanos(r.serverTime());
        hasValue[i] = r.value() != null;
        value[i] = r.value() == null ? 0 : r.value();
        status[i] = r.statusCode();
      }
    }

    int size() {
      return tagId.length;
    }

    Reading reading(int i) {
      return new Reading(tagId[i], instant(sourceNanos[i]),
          serverNanos[i] == NO_TIME ? null : instant(serverNanos[i]),
          hasValue[i] ? value[i] : null, status[i]);
    }

    private static long nanos(Instant t) {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    private static Instant instant(long nanos) {
      return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
  }

  private record Lag(double newestAgeMs, double meanOldestMs, double maxOldestMs) {}

  /**
   * The production sink, keeping a copy of every batch it committed while recording is on, and
   * how old each batch's readings were at commit (source times are on the wall clock: the
   * simulator runs at time scale 1 in this JVM).
   */
  private static final class RecordingSink implements ReadingSink {
    private final CopyReadingWriter delegate;
    private final List<Columns> recorded = new ArrayList<>();
    private boolean recording;
    private long onNanos;
    private long offNanos;
    private Instant newestCommitted;
    private long batches;
    private double sumOldestMs;
    private double maxOldestMs;

    RecordingSink(CopyReadingWriter delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(List<Reading> readings) throws Exception {
      delegate.write(readings);
      Instant committedAt = Instant.now();
      synchronized (this) {
        Instant oldest = Instant.MAX;
        Instant newest = Instant.MIN;
        for (Reading r : readings) {
          oldest = r.sourceTime().isBefore(oldest) ? r.sourceTime() : oldest;
          newest = r.sourceTime().isAfter(newest) ? r.sourceTime() : newest;
        }
        if (newestCommitted == null || newest.isAfter(newestCommitted)) {
          newestCommitted = newest;
        }
        if (recording) {
          recorded.add(new Columns(readings));
          double oldestMs = Duration.between(oldest, committedAt).toNanos() / 1e6;
          batches++;
          sumOldestMs += oldestMs;
          maxOldestMs = Math.max(maxOldestMs, oldestMs);
        }
      }
    }

    synchronized void recording(boolean on) {
      recording = on;
      if (on) {
        onNanos = System.nanoTime();
      } else {
        offNanos = System.nanoTime();
      }
    }

    synchronized long recordedRows() {
      return recorded.stream().mapToLong(Columns::size).sum();
    }

    synchronized double recordedSeconds() {
      return (offNanos - onNanos) / 1e9;
    }

    synchronized Lag lagAtEnd(Instant end) {
      double newestAge = newestCommitted == null ? Double.NaN : Duration.between(newestCommitted, end).toNanos() / 1e6;
      return new Lag(newestAge, batches == 0 ? Double.NaN : sumOldestMs / batches, maxOldestMs);
    }

    synchronized List<Columns> recorded() {
      return List.copyOf(recorded);
    }
  }

  // ------------------------------------------------------------------ measuring

  private record Snapshot(Instant wall, long nanos, long simWrites, long notifications, WriterMetrics writer,
      long jvmCpuNanos, long[] machineTicks, long postgresTicks, long gcCount, long gcMs) {
    static Snapshot take(SimulatorServer sim, AcquisitionHarness acquisition) {
      long notifications = acquisition.clients().stream()
          .mapToLong(c -> c.counters().notificationsReceived()).sum();
      long gcCount = 0;
      long gcMs = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        gcCount += Math.max(0, gc.getCollectionCount());
        gcMs += Math.max(0, gc.getCollectionTime());
      }
      return new Snapshot(Instant.now(), System.nanoTime(), sim.valuesWritten(), notifications,
          acquisition.writer().metrics(), IngestBench.jvmCpuNanos(), IngestBench.machineTicks(), IngestBench.postgresTicks(), gcCount, gcMs);
    }
  }

  private record Window(Snapshot s0, Snapshot s1, Lag lag) {
    double wallSeconds() {
      return (s1.nanos - s0.nanos) / 1e9;
    }

    double jvmCpuSeconds() {
      return (s1.jvmCpuNanos - s0.jvmCpuNanos) / 1e9;
    }

    /** Cores' worth of CPU the postgres processes used over the window (jiffies of 10 ms); NaN without /proc. */
    double postgresCores() {
      if (s0.postgresTicks < 0 || s1.postgresTicks < 0) {
        return Double.NaN;
      }
      return (s1.postgresTicks - s0.postgresTicks) / 100.0 / wallSeconds();
    }

    /** Share of all cores busy (user, system, irq...) over the window, from /proc/stat; NaN elsewhere. */
    double machineBusy() {
      if (s0.machineTicks.length == 0 || s1.machineTicks.length == 0) {
        return Double.NaN;
      }
      double busy = s1.machineTicks[0] - s0.machineTicks[0];
      double total = s1.machineTicks[1] - s0.machineTicks[1];
      return total > 0 ? busy / total : Double.NaN;
    }
  }

  private static long jvmCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** {busy, total} jiffies of all CPUs, or empty when /proc/stat is not there. */
  private static long[] machineTicks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      long idle = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i == 4 || i == 5) { // idle, iowait
          idle += v;
        }
      }
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[0];
    }
  }

  /**
   * User + system jiffies of every process named postgres (the embedded server, or the machine's
   * when it runs here), or -1 without /proc. Backends that end within the window are missed; the
   * pool keeps the bench's connections open throughout.
   */
  private static long postgresTicks() {
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) {
      return -1;
    }
    long ticks = 0;
    try (var dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path d : dirs) {
        try {
          String stat = Files.readString(d.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          if (open < 0 || close < 0 || !stat.substring(open + 1, close).equals("postgres")) {
            continue;
          }
          String[] f = stat.substring(close + 2).split(" ");
          // after the name: state is field 3, so utime (14) and stime (15) sit at 11 and 12
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
          // the process ended while being read
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return ticks;
  }

  private static String loadAverage() {
    try {
      return "loadavg " + Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "loadavg ?";
    }
  }

  private static void pause(Duration d) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(d.toNanos());
  }

  private static long count(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from reading")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String describeDatabase(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select current_setting('server_version'), current_setting('synchronous_commit'),"
            + " current_setting('fsync'), current_setting('shared_buffers'), current_setting('max_wal_size'),"
            + " (select mode from storage_mode)")) {
      rs.next();
      String external = System.getProperty(TestDatabase.URL_PROPERTY, "");
      return String.format(Locale.ROOT,
          "PostgreSQL %s (%s), synchronous_commit=%s, fsync=%s, shared_buffers=%s, max_wal_size=%s, storage=%s",
          rs.getString(1), external.isBlank() ? "embedded" : "external", rs.getString(2), rs.getString(3),
          rs.getString(4), rs.getString(5), rs.getString(6));
    }
  }
}
