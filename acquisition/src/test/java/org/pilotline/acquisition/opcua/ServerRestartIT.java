package org.pilotline.acquisition.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.DataGap;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.sim.WriteListener;
import org.pilotline.acquisition.store.JdbcDataGapStore;
import org.pilotline.acquisition.store.SchemaMigrator;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.acquisition.testing.TestLines;

/**
 * Issue 4's server-restart fault: the OPC UA server of two equipment stops for 20 s and a new one
 * starts on the same port (it knows neither the session nor the subscription), while a third
 * equipment on another server keeps running. Real simulator servers, real Milo clients, real
 * PostgreSQL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerRestartIT {
  private static final Duration OUTAGE = Duration.ofSeconds(20);
  private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(10);
  private static final Set<String> RESTARTED = Set.of("coater", "calender");
  private static final String STEADY = "dryRoomPlc";

  private static TestDatabase.Schema schema;
  private static Line restartedLine;
  private static Line steadyLine;
  private static SimulatorServer restarting;
  private static SimulatorServer steady;
  private static AcquisitionHarness acquisition;
  /** What the running restarted-line simulator wrote. */
  private static EquipmentWrites writes;

  @BeforeAll
  static void start() throws Exception {
    schema = TestDatabase.createSchema("restart");
    SchemaMigrator.migrate(schema.dataSource(), schema.name());
    Line demo = LineLoader.load(TestLines.configDir().resolve("line.yaml"));
    restartedLine = TestLines.onPort(subLine(demo, "restarted", "coating", "calendering"), TestLines.freePort());
    steadyLine = TestLines.onPort(subLine(demo, "steady", "dryRoom"), TestLines.freePort());
    writes = new EquipmentWrites(restartedLine);
    restarting = startSim(restartedLine, writes);
    steady = startSim(steadyLine, WriteListener.NONE);
    List<Station> all = new ArrayList<>(steadyLine.stations());
    all.addAll(restartedLine.stations());
    acquisition = AcquisitionHarness.start(schema.dataSource(), new Line("both", all));
  }

  @AfterAll
  static void stop() throws Exception {
    if (acquisition != null) {
      acquisition.close();
    }
    if (restarting != null) {
      restarting.stop();
    }
    if (steady != null) {
      steady.stop();
    }
    if (schema != null) {
      schema.close();
    }
  }

  private static Line subLine(Line demo, String name, String... stationIds) {
    return new Line(name, List.of(stationIds).stream().map(id -> demo.station(id).orElseThrow()).toList());
  }

  private static SimulatorServer startSim(Line line, WriteListener writes) throws Exception {
    return SimulatorServer.create(line, SimulatorOptions.defaults().withSeed(4).withTaktSeconds(6), writes)
        .startAsync().get(30, TimeUnit.SECONDS);
  }

  /** The first and last source time the simulator wrote for each equipment, tags and unit nodes. */
  private static final class EquipmentWrites implements WriteListener {
    private final Map<String, String> equipmentByNode = new ConcurrentHashMap<>();
    private final Map<String, Instant> first = new ConcurrentHashMap<>();
    private final Map<String, Instant> last = new ConcurrentHashMap<>();

    EquipmentWrites(Line line) {
      line.equipment().forEach(e -> {
        e.tags().forEach(t -> equipmentByNode.put(t.nodeId(), e.id()));
        e.units().forEach(u -> equipmentByNode.put(u.nodeId(), e.id()));
      });
    }

    @Override
    public void onWrite(String nodeIdText, Instant sourceTime, double value, long statusCode) {
      seen(nodeIdText, sourceTime);
    }

    @Override
    public void onUnitWrite(String nodeIdText, Instant sourceTime, String unit, long statusCode) {
      seen(nodeIdText, sourceTime);
    }

    private void seen(String nodeIdText, Instant t) {
      String equipment = equipmentByNode.get(nodeIdText);
      if (equipment != null) {
        first.merge(equipment, t, (a, b) -> a.isBefore(b) ? a : b);
        last.merge(equipment, t, (a, b) -> a.isAfter(b) ? a : b);
      }
    }
  }

  // A restart faster than Milo's first reconnect: its new session finds no subscription to
  // transfer, so the subscription is created again on the same client (or, if our probe wins, on
  // a new one). Either way readings and a gap must follow.
  @Test
  @Order(1)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void quickRestartIsRecoveredAndRecordedToo() throws Exception {
    Set<Integer> restartedTags = restartedTagIds();
    assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(20),
        () -> tagsWithRowsAfter(Instant.EPOCH).containsAll(restartedTags)), "not every tag had rows before the stop");
    long recoveriesBefore = restartedClientsRecoveries();

    Instant stoppedAt = Instant.now();
    restarting.stop();
    writes = new EquipmentWrites(restartedLine);
    Instant restartBegan = Instant.now();
    restarting = startSim(restartedLine, writes);
    long restartedNanos = System.nanoTime();

    boolean allBack = AcquisitionHarness.waitFor(RECOVERY_LIMIT,
        () -> tagsWithRowsAfter(restartBegan, restartedTags).containsAll(restartedTags));
    double allTagsS = (System.nanoTime() - restartedNanos) / 1e9;
    JdbcDataGapStore gapStore = new JdbcDataGapStore(schema.dataSource());
    AcquisitionHarness.waitFor(Duration.ofSeconds(5), () -> gaps(gapStore, stoppedAt).size() >= RESTARTED.size());
    List<DataGap> gaps = gaps(gapStore, stoppedAt);
    System.out.printf("quick server restart: down for %d ms, every tag back after %.2f s, recoveries=%d%n",
        Duration.between(stoppedAt, restartBegan).toMillis(), allTagsS,
        restartedClientsRecoveries() - recoveriesBefore);
    gaps.forEach(ServerRestartIT::print);

    assertTrue(allBack, "not every tag back " + RECOVERY_LIMIT + " after a quick restart");
    assertEquals(RESTARTED, gaps.stream().map(DataGap::equipmentId).collect(Collectors.toSet()));
    assertEquals(RESTARTED.size(), gaps.size(), "exactly one gap per restarted equipment: " + gaps);
    gaps.forEach(g -> assertTrue(g.from().isBefore(g.to()), "from before to: " + g));
  }

  @Test
  @Order(2)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void subscriptionsComeBackAfterServerRestartAndOneGapPerEquipmentIsRecorded() throws Exception {
    Map<String, Set<Integer>> tagsByEquipment = tagIdsByEquipment();
    Set<Integer> restartedTags = tagsByEquipment.entrySet().stream()
        .filter(e -> RESTARTED.contains(e.getKey())).flatMap(e -> e.getValue().stream()).collect(Collectors.toSet());
    Set<Integer> steadyTags = tagsByEquipment.get(STEADY);
    assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(20),
        () -> tagsWithRowsAfter(Instant.EPOCH).containsAll(tagsByEquipment.values().stream()
            .flatMap(Set::stream).collect(Collectors.toSet()))), "not every tag had rows before the stop");
    BusRecorder<CellEvent> cellEvents = BusRecorder.on(acquisition.vertx(), Addresses.CELL_EVENTS, (CellEvent e) -> List.of(e));

    Instant stoppedAt = Instant.now();
    restarting.stop();

    // The outage itself is the scenario: the server stays away for 20 s. Meanwhile the steady
    // equipment's rows are checked against the same deadline, in 5 s windows.
    long deadline = System.nanoTime() + OUTAGE.toNanos();
    List<Long> steadyRowsPerWindow = new ArrayList<>();
    Instant windowStart = stoppedAt;
    while (System.nanoTime() < deadline) {
      Instant windowEnd = windowStart.plusSeconds(5);
      AcquisitionHarness.waitFor(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
          () -> Instant.now().isAfter(windowEnd.plusSeconds(1)));
      steadyRowsPerWindow.add(rowsBetween(steadyTags, windowStart, windowEnd));
      windowStart = windowEnd;
    }

    Instant restartBegan = Instant.now();
    EquipmentWrites beforeStop = writes;
    EquipmentWrites afterRestart = new EquipmentWrites(restartedLine);
    writes = afterRestart;
    restarting = startSim(restartedLine, afterRestart);
    long restartedNanos = System.nanoTime();

    boolean firstBack = AcquisitionHarness.waitFor(RECOVERY_LIMIT,
        () -> !tagsWithRowsAfter(restartBegan, restartedTags).isEmpty());
    double firstReadingS = (System.nanoTime() - restartedNanos) / 1e9;
    Duration left = RECOVERY_LIMIT.minusNanos(System.nanoTime() - restartedNanos);
    boolean allBack = AcquisitionHarness.waitFor(left,
        () -> tagsWithRowsAfter(restartBegan, restartedTags).containsAll(restartedTags));
    double allTagsS = (System.nanoTime() - restartedNanos) / 1e9;
    System.out.printf("server restart: outage=%ds, first new reading after %.2f s, every tag after %.2f s,"
            + " steady equipment rows per 5 s of outage=%s%n",
        OUTAGE.toSeconds(), firstReadingS, allTagsS, steadyRowsPerWindow);

    assertTrue(firstBack, "no reading of the restarted equipment within " + RECOVERY_LIMIT + " of the restart");
    Set<Integer> missing = new HashSet<>(restartedTags);
    missing.removeAll(tagsWithRowsAfter(restartBegan, restartedTags));
    assertTrue(allBack, "tags without a reading " + RECOVERY_LIMIT + " after the restart: " + missing);

    // One equipment's failure never touches the others.
    assertTrue(steadyRowsPerWindow.stream().allMatch(n -> n > 0),
        "the steady equipment stalled during the other server's outage: " + steadyRowsPerWindow);

    JdbcDataGapStore gapStore = new JdbcDataGapStore(schema.dataSource());
    assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(5),
        () -> gaps(gapStore, stoppedAt).size() >= RESTARTED.size()));
    List<DataGap> gaps = gaps(gapStore, stoppedAt);
    gaps.forEach(ServerRestartIT::print);
    assertEquals(RESTARTED, gaps.stream().map(DataGap::equipmentId).collect(Collectors.toSet()));
    assertEquals(RESTARTED.size(), gaps.size(), "exactly one gap per restarted equipment: " + gaps);
    for (DataGap g : gaps) {
      // The simulator's own record of what it wrote is the reference: the last value before the
      // stop and the first after the restart, tags and unit nodes alike. The client sees a value
      // up to a publishing interval later, and a value overwritten within one not at all.
      Instant lastWritten = beforeStop.last.get(g.equipmentId());
      Instant firstWritten = afterRestart.first.get(g.equipmentId());
      Instant lastStored = lastReadingBefore(tagsByEquipment.get(g.equipmentId()), restartBegan);
      assertTrue(g.from().isBefore(g.to()), "from before to: " + g);
      // OPC UA times have 100 ns steps, the simulator's nanoseconds: compared to the millisecond.
      long fromLagMs = Duration.between(g.from(), lastWritten).toMillis();
      assertTrue(fromLagMs >= -1 && fromLagMs <= 1_000,
          "from " + g.from() + " is not the last value before the stop, written at " + lastWritten);
      assertTrue(!g.from().isBefore(lastStored), "from " + g.from() + " before a stored reading " + lastStored);
      long toLagMs = Duration.between(firstWritten, g.to()).toMillis();
      assertTrue(toLagMs >= -1 && toLagMs <= 1_000,
          "to " + g.to() + " is not the first value after the restart, written at " + firstWritten);
    }
    assertEquals(0, acquisition.clients().stream()
        .filter(c -> c.equipment().id().equals(STEADY)).findFirst().orElseThrow().recoveries());

    // Slots were forgotten: the first unit value after recovery names no previous unit.
    CellEvent firstAfterRestart = cellEvents.await("coater's first unit event after the restart",
        e -> e.equipmentId().equals("coater") && !e.at().isBefore(restartBegan.minusSeconds(1)), Duration.ofSeconds(5));
    assertNull(firstAfterRestart.previousUnit(), "previous unit after recovery: " + firstAfterRestart);
  }

  private static void print(DataGap g) {
    System.out.printf("data_gap: station=%s, equipment=%s, from=%s, to=%s, seconds=%.3f, detectedAt=%s, reason=%s%n",
        g.stationId(), g.equipmentId(), g.from(), g.to(), Duration.between(g.from(), g.to()).toMillis() / 1000.0,
        g.detectedAt(), g.reason());
  }

  private static Set<Integer> restartedTagIds() {
    return restartedLine.tagRefs().map(r -> acquisition.tagIds().get(r.key())).collect(Collectors.toSet());
  }

  private static long restartedClientsRecoveries() {
    return acquisition.clients().stream()
        .filter(c -> RESTARTED.contains(c.equipment().id()))
        .mapToLong(MiloEquipmentClient::recoveries).sum();
  }

  /** The gaps of outages that began after {@code stoppedAt} less the publishing delay. */
  private static List<DataGap> gaps(JdbcDataGapStore store, Instant stoppedAt) {
    try {
      // A gap starts at the last value received, up to a publishing interval before the stop.
      return store.since(stoppedAt.minusSeconds(2));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Set<Integer>> tagIdsByEquipment() {
    Map<String, Set<Integer>> byEquipment = new LinkedHashMap<>();
    for (Line l : List.of(restartedLine, steadyLine)) {
      l.tagRefs().forEach(r -> byEquipment.computeIfAbsent(r.equipmentId(), k -> new HashSet<>())
          .add(acquisition.tagIds().get(r.key())));
    }
    return byEquipment;
  }

  private static Set<Integer> tagsWithRowsAfter(Instant after) {
    return tagsWithRowsAfter(after, null);
  }

  private static Set<Integer> tagsWithRowsAfter(Instant after, Set<Integer> among) {
    Set<Integer> out = new HashSet<>();
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("select distinct tag_id from reading where ts > ?")) {
      ps.setObject(1, OffsetDateTime.ofInstant(after, java.time.ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (among == null || among.contains(rs.getInt(1))) {
            out.add(rs.getInt(1));
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static long rowsBetween(Set<Integer> tags, Instant from, Instant to) throws SQLException {
    return single("select count(*) from reading where tag_id = any(?) and ts > ? and ts <= ?", tags, from, to,
        rs -> rs.getLong(1));
  }

  private static Instant lastReadingBefore(Set<Integer> tags, Instant before) throws SQLException {
    return single("select max(ts) from reading where tag_id = any(?) and ts > ? and ts < ?", tags, Instant.EPOCH,
        before, rs -> rs.getObject(1, OffsetDateTime.class).toInstant());
  }

  private interface Column<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static <T> T single(String sql, Set<Integer> tags, Instant a, Instant b, Column<T> column)
      throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("integer", tags.toArray()));
      ps.setObject(2, OffsetDateTime.ofInstant(a, java.time.ZoneOffset.UTC));
      ps.setObject(3, OffsetDateTime.ofInstant(b, java.time.ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return column.read(rs);
      }
    }
  }
}
