package org.pilotline.acquisition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitRole;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.store.UnitTracker;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.SimWriteLog;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.acquisition.testing.TestLines;

/**
 * Cells and rolls flow through the simulated line on an accelerated clock; acquisition must turn
 * the current-unit nodes into a process window per station of each unit's route, and link each
 * cell to the roll it was made from.
 */
class CellFlowIT {
  private static final int CELLS = 24;

  @TempDir static Path dir;
  private static TestDatabase.Schema schema;
  private static SimulatorServer sim;
  private static AcquisitionHarness acquisition;
  private static final SimWriteLog writes = new SimWriteLog();
  private static Line line;
  private static List<String> finishedCells;
  private static Instant subscribedAtSimTime;

  @BeforeAll
  static void runTheLine() throws Exception {
    schema = TestDatabase.createMigratedSchema("cellflow");
    line = TestLines.demoLineOnFreePort();
    Path truth = dir.resolve("ground-truth.csv");
    // 5x real time with a 4 s takt: a cell every 0.8 s, so each unit stays on a node for eight
    // 100 ms simulator ticks and sixteen 50 ms samples: no change is too short to be sampled,
    // even on a loaded CI machine where a sampling pass may come late.
    sim = SimulatorServer.create(line, SimulatorOptions.defaults().withSeed(5).withTimeScale(5)
        .withTaktSeconds(4).withCellsPerRoll(8).withGroundTruth(truth), writes);
    sim.startAsync().get();
    acquisition = AcquisitionHarness.start(schema.dataSource(), line);
    subscribedAtSimTime = sim.simTime();
    assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(90), () -> sim.cellsFinished() >= CELLS),
        "the simulator finished only " + sim.cellsFinished() + " cells");
    // Units that reached the line before acquisition subscribed cannot have all their windows.
    Set<String> seenFromStart = unitsFirstWrittenAfter(subscribedAtSimTime);
    finishedCells = Files.readAllLines(truth).stream().skip(1).map(l -> l.split(",", 2)[0])
        .filter(seenFromStart::contains).toList();
    // Acquisition trails the simulator by a publishing interval or two; wait until each finished
    // cell's EOL window is closed in the database.
    AcquisitionHarness.waitFor(Duration.ofSeconds(20), () -> finishedCells.stream().allMatch(c -> closedWindowAt(c, "eol")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (acquisition != null) {
      acquisition.close();
    }
    if (sim != null) {
      sim.stop();
    }
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void everyFinishedCellHasAClosedWindowAtEveryStationOfItsRouteInRouteOrder() throws Exception {
    List<String> cellRoute = route(UnitKind.CELL);
    assertEquals(List.of("stacking", "isostaticPress", "sealing", "formation", "eol"), cellRoute);
    assertTrue(finishedCells.size() >= CELLS / 2, "only " + finishedCells.size() + " cells ran the whole route");
    List<String> faults = new ArrayList<>();
    for (String cell : finishedCells) {
      List<String> visited = closedWindows(UnitKind.CELL, cell);
      if (!visited.equals(cellRoute)) {
        faults.add(cell + " visited " + visited);
      }
    }
    assertEquals(List.of(), faults);
  }

  @Test
  void everyFinishedCellIsLinkedToTheRollItWasMadeFromAndThatRollToItsLots() throws Exception {
    // A link is written once the overlap of the two units is certain: when one of them moves on,
    // or after the tracker's grace; hence a bounded wait rather than a single look.
    AcquisitionHarness.waitFor(UnitTracker.GRACE.multipliedBy(3), () -> genealogyFaults().isEmpty());
    assertEquals(List.of(), genealogyFaults());
  }

  private static List<String> genealogyFaults() {
    try {
      Map<String, String> rollAtStacking = rollsFedAtStackingByCell();
      List<String> rollRoute = route(UnitKind.ROLL);
      Set<String> seenFromStart = unitsFirstWrittenAfter(subscribedAtSimTime);
      List<String> faults = new ArrayList<>();
      for (String cell : finishedCells) {
        List<String> parents = parents(UnitKind.CELL, cell, UnitKind.ROLL);
        String expected = rollAtStacking.get(cell);
        if (expected == null || !parents.equals(List.of(expected))) {
          faults.add(cell + ": genealogy " + parents + ", simulator fed " + expected);
          continue;
        }
        List<String> rollVisited = closedOrOpenWindows(UnitKind.ROLL, expected);
        if (seenFromStart.contains(expected) && !rollVisited.equals(rollRoute)) {
          faults.add(expected + " visited " + rollVisited + ", route " + rollRoute);
        }
        if (parents(UnitKind.ROLL, expected, UnitKind.LOT).isEmpty()) {
          faults.add(expected + " has no lot");
        }
      }
      return faults;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The stations whose process slot holds units of this kind, in route order. */
  private static List<String> route(UnitKind kind) {
    List<String> out = new ArrayList<>();
    for (String id : line.route()) {
      Station s = line.station(id).orElseThrow();
      boolean processes = s.equipment().stream().flatMap(e -> e.units().stream())
          .anyMatch(u -> u.kind() == kind && u.role() == UnitRole.PROCESS);
      if (processes) {
        out.add(id);
      }
    }
    return out;
  }

  /** Units whose first appearance on any unit node came after this simulated time. */
  private static Set<String> unitsFirstWrittenAfter(Instant simTime) {
    Map<String, Instant> first = new LinkedHashMap<>();
    for (SimWriteLog.UnitWrite w : writes.unitWrites()) {
      if (!w.unit().isEmpty()) {
        first.putIfAbsent(w.unit(), w.at());
      }
    }
    Set<String> out = new TreeSet<>();
    first.forEach((unit, at) -> {
      if (at.isAfter(simTime)) {
        out.add(unit);
      }
    });
    return out;
  }

  /** From the simulator's own writes: the roll in stacking's input slot when each cell arrived. */
  private static Map<String, String> rollsFedAtStackingByCell() {
    UnitNode current = unitNode("stacker", "current");
    UnitNode input = unitNode("stacker", "inputRoll");
    Map<String, String> out = new LinkedHashMap<>();
    String roll = null;
    for (SimWriteLog.UnitWrite w : writes.unitWrites()) {
      if (w.nodeId().equals(input.nodeId()) && !w.unit().isEmpty()) {
        roll = w.unit();
      } else if (w.nodeId().equals(current.nodeId()) && !w.unit().isEmpty()) {
        out.putIfAbsent(w.unit(), roll);
      }
    }
    return out;
  }

  private static UnitNode unitNode(String equipment, String slot) {
    return line.equipment().filter(e -> e.id().equals(equipment)).flatMap(e -> e.units().stream())
        .filter(u -> u.name().equals(slot)).findFirst().orElseThrow();
  }

  private static boolean closedWindowAt(String cell, String station) {
    try {
      return closedWindows(UnitKind.CELL, cell).contains(station);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> closedWindows(UnitKind kind, String unit) throws SQLException {
    return query("select station from process_window where unit_kind = ? and unit_id = ?"
        + " and end_ts is not null and end_ts >= start_ts order by start_ts", kind.name(), unit);
  }

  // A roll may still be in lamination's slot while its first cells are finished.
  private static List<String> closedOrOpenWindows(UnitKind kind, String unit) throws SQLException {
    return query("select station from process_window where unit_kind = ? and unit_id = ? order by start_ts",
        kind.name(), unit);
  }

  private static List<String> parents(UnitKind childKind, String child, UnitKind parentKind) throws SQLException {
    Set<String> out = new TreeSet<>(query("select parent_id from genealogy where child_kind = ? and child_id = ?"
        + " and parent_kind = '" + parentKind.name() + "'", childKind.name(), child));
    return List.copyOf(out);
  }

  private static List<String> query(String sql, String... params) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = schema.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
