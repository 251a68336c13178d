package org.pilotline.acquisition.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.TagRef;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.sim.WriteListener;
import org.pilotline.acquisition.store.JdbcTagRegistry;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.TestDatabase;

/**
 * The issue's {@code kill -9} fault on the whole acquisition process: the simulator (a real Milo
 * server, every write reported and logged) runs here; a child JVM runs acquisition
 * ({@link AcquisitionKillChild}: MiloEquipmentClient per equipment, the writer with the disk
 * spool, PostgreSQL). The child is SIGKILLed mid-ingest, a new one is started on the same spool a
 * few seconds later, and both sides are compared per (tag, source time).
 *
 * <p>What may be missing: values the server published while no process was subscribed (from
 * shortly before the kill, since the server holds up to a publishing interval of changes in its
 * queue, until the new process is subscribed) are never delivered: a data gap, not a loss. With
 * a process kill the page cache survives, so the fsync window does not apply: everything the
 * spool accepted must be stored, once. Anything missing outside the gap window is a loss.
 */
class AcquisitionKillIT {
  private static final int RATE = 3_000;
  private static final double CHANGE_MS = 200;
  private static final int EQUIPMENT = 3;
  private static final int FSYNC_MS = 200;
  private static final Duration INGEST = Duration.ofSeconds(6);
  private static final Duration DEAD = Duration.ofSeconds(3);
  private static final Pattern STATUS = Pattern.compile(
      "status subscribed=(\\d+) delivered=(\\d+) received=(\\d+) committed=(\\d+) pending=(\\d+)");

  private static TestDatabase.Schema schema;

  @TempDir Path spoolDir;

  @BeforeAll
  static void migrate() throws SQLException {
    schema = TestDatabase.createMigratedSchema("acqkill");
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  /** What a child last printed, and when it first committed. */
  static final class Child {
    final Process process;
    final long startedNanos = System.nanoTime();
    volatile long subscribed;
    volatile long delivered;
    volatile long received;
    volatile long committed;
    volatile long pending;
    volatile long firstCommitNanos;
    volatile long pendingAtOpen = -1;
    volatile long lastDeliveryChangeNanos = System.nanoTime();

    Child(Process process) {
      this.process = process;
      Thread t = new Thread(this::read, "acquisition-kill-child-stdout");
      t.setDaemon(true);
      t.start();
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("spool opened pending=")) {
            pendingAtOpen = Long.parseLong(line.substring("spool opened pending=".length()));
          }
          Matcher m = STATUS.matcher(line);
          if (m.matches()) {
            subscribed = Long.parseLong(m.group(1));
            long d = Long.parseLong(m.group(2));
            if (d != delivered) {
              lastDeliveryChangeNanos = System.nanoTime();
            }
            delivered = d;
            received = Long.parseLong(m.group(3));
            committed = Long.parseLong(m.group(4));
            pending = Long.parseLong(m.group(5));
            if (committed > 0 && firstCommitNanos == 0) {
              firstCommitNanos = System.nanoTime();
            }
          }
        }
      } catch (Exception e) {
        // the child is gone
      }
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void killedAcquisitionProcessLosesNothingItAcceptedAndDuplicatesNothing() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    SoakLine soak = SoakLine.forRate("127.0.0.1", port, RATE, CHANGE_MS, EQUIPMENT);
    Map<String, NavigableSet<Instant>> published = new ConcurrentHashMap<>();
    WriteListener log = new WriteListener() {
      @Override
      public void onWrite(String nodeIdText, Instant sourceTime, double value, long statusCode) {
        published.computeIfAbsent(nodeIdText, k -> new ConcurrentSkipListSet<>())
            .add(sourceTime.truncatedTo(ChronoUnit.MICROS));
      }
    };
    SimulatorServer simulator = SimulatorServer.create(soak.forSimulator(),
        SimulatorOptions.defaults().withTickMs(Math.round(CHANGE_MS)), log).reportEveryWrite();
    simulator.startAsync().get(60, TimeUnit.SECONDS);
    Child first = null;
    Child second = null;
    try {
      first = startChild(port);
      Child c1 = first;
      assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(60), () -> c1.subscribed == soak.tags()),
          "first process subscribed: " + c1.subscribed + " of " + soak.tags());
      // a subscription starts with the node's current value: count from the next grid point
      Instant from = Instant.now().plusMillis(Math.round(2 * CHANGE_MS)).truncatedTo(ChronoUnit.MICROS);
      assertTrue(AcquisitionHarness.waitFor(INGEST.plusSeconds(30),
          () -> Instant.now().isAfter(from.plus(INGEST)) && c1.committed > 0), "first process committing");
      // kill while delivered readings wait in the spool: right after a publish, before their commit
      AcquisitionHarness.waitFor(Duration.ofSeconds(10), () -> c1.received > c1.committed);
      long deliveredBeforeKill = c1.delivered;
      long receivedBeforeKill = c1.received;
      long committedBeforeKill = c1.committed;
      Instant killAt = Instant.now();
      first.process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush, no close
      assertTrue(first.process.waitFor(10, TimeUnit.SECONDS), "first process killed");
      int exit = first.process.exitValue();
      assertEquals(128 + 9, exit, "killed by SIGKILL");
      AcquisitionHarness.waitFor(DEAD, () -> false); // a bounded dead time, nobody subscribed

      second = startChild(port);
      Child c2 = second;
      assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(60), () -> c2.subscribed == soak.tags()),
          "second process subscribed: " + c2.subscribed + " of " + soak.tags());
      Instant resubscribedAt = Instant.now();
      assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(60),
          () -> Instant.now().isAfter(resubscribedAt.plus(INGEST))), "live data after the restart");
      simulator.stopChanging();
      Instant stoppedAt = Instant.now();
      long quiet = TimeUnit.MILLISECONDS.toNanos(Math.round(3 * soak.publishingMs()));
      assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(60),
          () -> System.nanoTime() - c2.lastDeliveryChangeNanos > quiet && c2.pending == 0
              && c2.committed >= c2.received), "second process drained: received " + c2.received
              + ", committed " + c2.committed + ", pending " + c2.pending);
      long firstCommitMs = (c2.firstCommitNanos - c2.startedNanos) / 1_000_000;
      long resubscribeMs = Duration.between(killAt, resubscribedAt).toMillis();

      Counts n = count(soak.forAcquisition(), published, from, stoppedAt, killAt.minusMillis(
          Math.round(2 * soak.publishingMs())), resubscribedAt);
      long gapRows = scalar("select count(*) from data_gap");
      // every reading of the first process has a source time before the kill, every reading of
      // the second one after it (a subscription starts with the node's value at that moment)
      long storedBeforeKill = scalar("select count(*) from reading where ts < '" + killAt + "'::timestamptz");
      long duplicatedAll = scalar("select count(*) - count(distinct (tag_id, ts)) from reading");
      System.out.printf("acquisition kill IT: produced=%d (%.0f readings/s), delivered before the kill=%d,"
              + " accepted by the spool before the kill=%d, committed before the kill=%d, left in the spool and"
              + " replayed=%d, delivered after the"
              + " restart=%d, stored=%d, lost=%d, duplicated=%d, storedButNeverPublished=%d, gap (published while"
              + " no process was subscribed, never delivered)=%d between %s and %s, earliest missing %d ms before"
              + " the kill, dataGapRows=%d, killed to resubscribed %d ms, second process start to first commit"
              + " %d ms, fsyncIntervalMs=%d; whole table: stored with a source time before the kill=%d,"
              + " duplicated=%d%n",
          n.published, n.published * 1e9 / Duration.between(from, stoppedAt).toNanos(), deliveredBeforeKill,
          receivedBeforeKill, committedBeforeKill, c2.pendingAtOpen, c2.delivered, n.stored, n.lost, n.duplicated, n.unexpected,
          n.gap, n.earliestMissing, n.latestMissing,
          n.earliestMissing == null ? 0 : Duration.between(n.earliestMissing, killAt).toMillis(), gapRows,
          resubscribeMs, firstCommitMs, FSYNC_MS, storedBeforeKill, duplicatedAll);
      assertTrue(n.published / (Duration.between(from, stoppedAt).toMillis() / 1000.0) >= RATE * 0.8,
          "produced at about the rate");
      // the precise form of "nothing accepted is lost": the spool had accepted receivedBeforeKill
      // readings (at the child's last report before the kill), all of them stored
      assertTrue(storedBeforeKill >= receivedBeforeKill,
          storedBeforeKill + " stored < " + receivedBeforeKill + " accepted before the kill");
      assertEquals(0, duplicatedAll, "duplicated in the whole table");
      assertEquals(0, n.lost, "lost outside the window when no process was subscribed");
      assertEquals(0, n.duplicated, "duplicated");
      assertEquals(0, n.unexpected, "stored but never published");
      assertTrue(n.gap > 0, "values published while no process was subscribed");
      assertEquals(n.published, n.stored + n.gap, "published = stored + never delivered");
    } finally {
      if (first != null) {
        first.process.destroyForcibly();
      }
      if (second != null) {
        second.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      simulator.stop();
    }
  }

  private Child startChild(int port) throws Exception {
    return new Child(new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        AcquisitionKillChild.class.getName(),
        schema.jdbcUrl(), schema.name(), spoolDir.toString(), Integer.toString(port), Integer.toString(RATE),
        Double.toString(CHANGE_MS), Integer.toString(EQUIPMENT), Integer.toString(FSYNC_MS)))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start());
  }

  record Counts(long published, long stored, long lost, long duplicated, long unexpected, long gap,
      Instant earliestMissing, Instant latestMissing) {}

  /**
   * Per (tag, source time) in [from, to): published vs stored. A published value not stored is a
   * gap when its source time lies in [gapFrom, gapTo] (no process was there to receive it), a
   * loss otherwise.
   */
  private static Counts count(Line line, Map<String, NavigableSet<Instant>> published, Instant from, Instant to,
      Instant gapFrom, Instant gapTo) throws SQLException {
    Map<String, Integer> ids = JdbcTagRegistry.register(schema.dataSource(), line);
    Map<Integer, String> nodeOfTag = new HashMap<>();
    for (TagRef r : (Iterable<TagRef>) line.tagRefs()::iterator) {
      nodeOfTag.put(ids.get(r.key()), r.tag().nodeId());
    }
    Map<String, Set<Instant>> stored = new HashMap<>();
    long rows = 0;
    long duplicated = 0;
    long unexpected = 0;
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("select tag_id, ts from reading where ts >= ? and ts < ?")) {
      ps.setTimestamp(1, Timestamp.from(from));
      ps.setTimestamp(2, Timestamp.from(to));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows++;
          String node = nodeOfTag.get(rs.getInt(1));
          Instant ts = rs.getTimestamp(2).toInstant();
          if (!stored.computeIfAbsent(String.valueOf(node), k -> new HashSet<>()).add(ts)) {
            duplicated++;
          } else if (node == null || !published.getOrDefault(node, new ConcurrentSkipListSet<>()).contains(ts)) {
            unexpected++;
          }
        }
      }
    }
    long pub = 0;
    long lost = 0;
    long gap = 0;
    Instant earliest = null;
    Instant latest = null;
    for (String node : nodeOfTag.values()) {
      for (Instant ts : published.getOrDefault(node, new ConcurrentSkipListSet<>()).subSet(from, true, to, false)) {
        pub++;
        if (stored.getOrDefault(node, Set.of()).contains(ts)) {
          continue;
        }
        if (ts.isBefore(gapFrom) || ts.isAfter(gapTo)) {
          lost++;
        } else {
          gap++;
        }
        earliest = earliest == null || ts.isBefore(earliest) ? ts : earliest;
        latest = latest == null || ts.isAfter(latest) ? ts : latest;
      }
    }
    return new Counts(pub, rows - duplicated - unexpected, lost, duplicated, unexpected, gap, earliest, latest);
  }

  private static long scalar(String sql) throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
