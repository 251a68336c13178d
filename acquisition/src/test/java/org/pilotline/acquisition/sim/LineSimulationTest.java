package org.pilotline.acquisition.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.Line;

class LineSimulationTest {
  static final Instant T0 = Instant.parse("2026-01-05T06:00:00Z");
  static final Line DEMO = DemoLines.demo();

  /** Everything a run produced, stepped every {@code stepMs} of sim time. */
  record Run(List<SimUpdate.TagValue> values, List<SimUpdate.UnitValue> units, List<FinishedCell> cells) {
    List<SimUpdate.TagValue> of(String key) {
      return values.stream().filter(v -> v.key().equals(key)).toList();
    }

    double mean(String key, Duration from, Duration to) {
      return window(key, from, to).stream().mapToDouble(SimUpdate.TagValue::value).average().orElseThrow();
    }

    double max(String key, Duration from, Duration to) {
      return window(key, from, to).stream().mapToDouble(SimUpdate.TagValue::value).max().orElseThrow();
    }

    List<SimUpdate.TagValue> window(String key, Duration from, Duration to) {
      return of(key).stream()
          .filter(v -> !v.sourceTime().isBefore(T0.plus(from)) && v.sourceTime().isBefore(T0.plus(to)))
          .toList();
    }
  }

  static Run run(Line line, SimulatorOptions options, Duration length, long stepMs) {
    LineSimulation sim = new LineSimulation(line, options, T0);
    List<SimUpdate.TagValue> values = new ArrayList<>();
    List<SimUpdate.UnitValue> units = new ArrayList<>();
    List<FinishedCell> cells = new ArrayList<>();
    for (long t = 0; t <= length.toMillis(); t += stepMs) {
      SimStep step = sim.step(T0.plusMillis(t));
      for (SimUpdate u : step.updates()) {
        if (u instanceof SimUpdate.TagValue v) {
          values.add(v);
        } else {
          units.add((SimUpdate.UnitValue) u);
        }
      }
      cells.addAll(step.finishedCells());
    }
    return new Run(values, units, cells);
  }

  static SimulatorOptions faults(String... specs) {
    return SimulatorOptions.defaults().withFaults(Arrays.stream(specs).map(FaultSpec::parse).toList());
  }

  // Noise around a target of 0 ppm must not read as negative gas, nor any quantity whose spec
  // starts at or above zero go below it.
  @Test
  void concentrationsAndNonNegativeQuantitiesNeverReadBelowZero() {
    Run r = run(DEMO, SimulatorOptions.defaults().withSeed(3).withTaktSeconds(30), Duration.ofMinutes(20), 1000);
    java.util.Set<String> nonNegative = new java.util.HashSet<>();
    DEMO.tagRefs().filter(ref -> ref.tag().unit().equals("ppm")
            || (ref.tag().spec().lsl() != null && ref.tag().spec().lsl() >= 0))
        .forEach(ref -> nonNegative.add(ref.key()));
    assertTrue(nonNegative.contains("dryRoom/dryRoomPlc/h2s"));
    List<String> negative = r.values().stream()
        .filter(v -> nonNegative.contains(v.key()) && v.value() < 0)
        .map(v -> v.key() + "=" + v.value()).limit(10).toList();
    assertEquals(List.of(), negative);
    assertTrue(r.of("dryRoom/dryRoomPlc/h2s").size() > 1000, "h2s sampled");
  }

  @Nested
  class Determinism {
    @Test
    void sameSeedGivesIdenticalFirstThousandValues() {
      List<SimUpdate.TagValue> a = run(DEMO, SimulatorOptions.defaults().withSeed(7), Duration.ofSeconds(30), 100).values();
      List<SimUpdate.TagValue> b = run(DEMO, SimulatorOptions.defaults().withSeed(7), Duration.ofSeconds(30), 100).values();
      assertTrue(a.size() >= 1000, "values: " + a.size());
      assertEquals(a.subList(0, 1000), b.subList(0, 1000));
    }

    @Test
    void differentSeedGivesDifferentValues() {
      List<SimUpdate.TagValue> a = run(DEMO, SimulatorOptions.defaults().withSeed(7), Duration.ofSeconds(30), 100).values();
      List<SimUpdate.TagValue> b = run(DEMO, SimulatorOptions.defaults().withSeed(8), Duration.ofSeconds(30), 100).values();
      assertNotEquals(a.subList(0, 1000), b.subList(0, 1000));
    }

    // The driver's real-time ticks jitter; values at a grid point must not depend on them.
    @Test
    void stepCadenceDoesNotChangeValuesAtGridPoints() {
      Map<String, Double> fine = byNodeAndTime(run(DEMO, SimulatorOptions.defaults(), Duration.ofMinutes(5), 100).values());
      Map<String, Double> coarse = byNodeAndTime(run(DEMO, SimulatorOptions.defaults(), Duration.ofMinutes(5), 7000).values());
      assertTrue(coarse.size() > 500, "coarse values: " + coarse.size());
      for (Map.Entry<String, Double> e : coarse.entrySet()) {
        if (fine.containsKey(e.getKey())) {
          assertEquals(fine.get(e.getKey()), e.getValue(), e.getKey());
        }
      }
    }

    private Map<String, Double> byNodeAndTime(List<SimUpdate.TagValue> values) {
      Map<String, Double> m = new LinkedHashMap<>();
      values.forEach(v -> m.put(v.nodeId() + "@" + v.sourceTime(), v.value()));
      return m;
    }
  }

  @Nested
  class Flow {
    final Run run = run(DEMO, SimulatorOptions.defaults(), Duration.ofMinutes(60), 1000);

    @Test
    void everyCellVisitsEveryCellStationInOrder() {
      Map<String, List<String>> route = new LinkedHashMap<>();
      run.units().stream()
          .filter(u -> u.unit().startsWith("C-") && !u.slot().startsWith("input"))
          .forEach(u -> route.computeIfAbsent(u.unit(), c -> new ArrayList<>()).add(u.stationId()));
      List<String> expected = List.of("stacking", "isostaticPress", "sealing", "formation", "eol");
      assertTrue(run.cells().size() > 40, "finished: " + run.cells().size());
      for (FinishedCell c : run.cells()) {
        assertEquals(expected, route.get(c.cellId()), c.cellId());
      }
    }

    @Test
    void oneRollFeedsCellsPerRollCells() {
      Map<String, String> rollOfCell = new LinkedHashMap<>();
      String roll = "";
      for (SimUpdate.UnitValue u : run.units()) {
        if (u.stationId().equals("stacking") && u.slot().equals("inputRoll")) {
          roll = u.unit();
        } else if (u.stationId().equals("stacking") && u.slot().equals("current")) {
          rollOfCell.put(u.unit(), roll);
        }
      }
      assertTrue(rollOfCell.size() > 50);
      rollOfCell.forEach((cell, r) -> assertEquals(
          String.format("R-%05d", (Integer.parseInt(cell.substring(2)) - 1) / 20 + 1), r, cell));
    }

    @Test
    void rollIsMixedCoatedCalenderedAndLaminatedBeforeItFeedsStacking() {
      Map<String, Instant> firstSeen = new LinkedHashMap<>();
      run.units().stream().filter(u -> u.unit().equals("R-00004") && u.slot().equals("current"))
          .forEach(u -> firstSeen.putIfAbsent(u.stationId(), u.sourceTime()));
      assertEquals(List.of("mixing", "coating", "calendering", "lamination"), List.copyOf(firstSeen.keySet()));
      assertTrue(firstSeen.get("mixing").isBefore(firstSeen.get("lamination")));
    }

    @Test
    void unitNodesShowLotsRollsAndCellsInTheirFormats() {
      assertTrue(run.units().stream().anyMatch(u -> u.unit().equals("LOT-0001") && u.slot().equals("currentLot")));
      assertTrue(run.units().stream().anyMatch(u -> u.unit().equals("LOT-0001") && u.stationId().equals("mixing")));
      assertTrue(run.units().stream().anyMatch(u -> u.unit().equals("R-00005") && u.stationId().equals("mixing")));
    }

    @Test
    void formationChannelVoltageRisesOnChargeAndFallsOnDischarge() {
      // Cell 1 reaches ch1 after three one-takt stations and stays four takts: charge in the first 40 %.
      List<SimUpdate.TagValue> v = run.window("formation/cycler/ch1Voltage", Duration.ofMinutes(3), Duration.ofMinutes(7));
      List<SimUpdate.TagValue> i = run.window("formation/cycler/ch1Current", Duration.ofMinutes(3), Duration.ofMinutes(7));
      double early = at(v, 3.1);
      double charged = at(v, 4.5);
      double midDischarge = at(v, 5.8);
      double discharged = at(v, 6.7);
      assertTrue(early < charged - 0.3, early + " then " + charged);
      assertTrue(midDischarge > discharged + 0.1, midDischarge + " then " + discharged);
      assertTrue(at(i, 3.5) > 0.1, "charge current " + at(i, 3.5));
      assertTrue(at(i, 6.0) < -0.1, "discharge current " + at(i, 6.0));
      assertTrue(charged <= 4.2 + 0.01, "CV limit: " + charged);
    }

    private double at(List<SimUpdate.TagValue> values, double minutes) {
      Instant t = T0.plusMillis((long) (minutes * 60_000));
      return values.stream().filter(x -> !x.sourceTime().isBefore(t)).findFirst().orElseThrow().value();
    }

    @Test
    void pressHoldsNearSetpointOncePerCell() {
      double peak = run.max("isostaticPress/wip/pressure", Duration.ofMinutes(10), Duration.ofMinutes(11));
      double idle = run.window("isostaticPress/wip/pressure", Duration.ofMinutes(10), Duration.ofMinutes(11)).stream()
          .mapToDouble(SimUpdate.TagValue::value).min().orElseThrow();
      assertTrue(peak > 480 && peak < 520, "peak " + peak);
      assertTrue(idle < 5, "idle " + idle);
    }

    @Test
    void endOfLineValuesAreSetOncePerCell() {
      List<SimUpdate.TagValue> acir = run.of("eol/eolTester/acir");
      long eolCells = run.units().stream().filter(u -> u.stationId().equals("eol") && !u.unit().isEmpty()).count();
      assertEquals(eolCells, acir.size());
    }

    @Test
    void healthyRunHasOnlyGoodCells() {
      assertTrue(run.cells().stream().noneMatch(FinishedCell::faulty));
    }
  }

  @Nested
  class Faults {
    @Test
    void rollWearLowersDensityGraduallyFromItsStartOnly() {
      Run r = run(DEMO, faults("rollWear start=30m duration=60m ramp=10m magnitude=-0.05"), Duration.ofMinutes(120), 1000);
      String key = "calendering/calender/density";
      double before = r.mean(key, Duration.ofMinutes(5), Duration.ofMinutes(30));
      double worn = r.mean(key, Duration.ofMinutes(50), Duration.ofMinutes(90));
      double after = r.mean(key, Duration.ofMinutes(100), Duration.ofMinutes(120));
      assertTrue(worn < before - 0.12, before + " -> " + worn);
      assertTrue(Math.abs(after - before) < 0.05, before + " -> " + after);
      assertTrue(r.mean("calendering/calender/thicknessAfter", Duration.ofMinutes(50), Duration.ofMinutes(90))
          > r.mean("calendering/calender/thicknessAfter", Duration.ofMinutes(5), Duration.ofMinutes(30)) + 2);
    }

    @Test
    void loadingStepRaisesArealLoadingInItsWindowOnly() {
      Run r = run(DEMO, faults("loadingStep start=20m duration=20m magnitude=0.06"), Duration.ofMinutes(60), 1000);
      String key = "coating/coater/arealLoading";
      double before = r.mean(key, Duration.ofMinutes(2), Duration.ofMinutes(20));
      double during = r.mean(key, Duration.ofMinutes(27), Duration.ofMinutes(40));
      double after = r.mean(key, Duration.ofMinutes(50), Duration.ofMinutes(60));
      assertTrue(during > before + 0.9, before + " -> " + during);
      assertTrue(Math.abs(after - before) < 0.3, before + " -> " + after);
    }

    @Test
    void dryRoomExcursionRaisesDewPointAndH2sInItsWindowOnly() {
      Run r = run(DEMO, faults("dryRoomExcursion start=20m duration=10m"), Duration.ofMinutes(60), 1000);
      double before = r.mean("dryRoom/dryRoomPlc/dewPoint", Duration.ofMinutes(2), Duration.ofMinutes(20));
      double during = r.mean("dryRoom/dryRoomPlc/dewPoint", Duration.ofMinutes(25), Duration.ofMinutes(30));
      double after = r.mean("dryRoom/dryRoomPlc/dewPoint", Duration.ofMinutes(45), Duration.ofMinutes(60));
      assertTrue(during > before + 12, before + " -> " + during);
      assertTrue(Math.abs(after - before) < 2, before + " -> " + after);
      assertTrue(r.mean("dryRoom/dryRoomPlc/h2s", Duration.ofMinutes(25), Duration.ofMinutes(30)) > 1.0);
      assertTrue(r.mean("dryRoom/dryRoomPlc/h2s", Duration.ofMinutes(2), Duration.ofMinutes(20)) < 0.4);
    }

    @Test
    void pressureLossKeepsPressShortOfSetpointForCellsPressedInItsWindow() {
      Run r = run(DEMO, faults("pressureLoss start=20m duration=10m magnitude=0.15"), Duration.ofMinutes(45), 1000);
      String key = "isostaticPress/wip/pressure";
      assertTrue(r.max(key, Duration.ofMinutes(10), Duration.ofMinutes(20)) > 480);
      assertTrue(r.max(key, Duration.ofMinutes(20), Duration.ofMinutes(30)) < 440);
      assertTrue(r.max(key, Duration.ofMinutes(30), Duration.ofMinutes(40)) > 480);
      // Cells 21..30 were pressed from minute 20 to 30 (pressing is the second station).
      List<String> faulty = r.cells().stream().filter(FinishedCell::faulty).map(FinishedCell::cellId).toList();
      assertEquals("C-000020", faulty.get(0));
      assertEquals(10, faulty.size());
      assertEquals("pressureLoss", r.cells().get(20).faults().get(0).fault().kind().label());
    }

    @Test
    void channelFaultShowsLowCurrentLowCapacityAndHeatOnItsChannelOnly() {
      Run r = run(DEMO, faults("channelFault channel=3 start=10m duration=30m"), Duration.ofMinutes(50), 1000);
      Duration from = Duration.ofMinutes(15);
      Duration to = Duration.ofMinutes(40);
      assertTrue(chargeCurrent(r, "formation/cycler/ch3Current", from, to)
          < 0.9 * chargeCurrent(r, "formation/cycler/ch1Current", from, to));
      assertTrue(r.max("formation/cycler/ch3Capacity", from, to) < 0.9 * r.max("formation/cycler/ch1Capacity", from, to));
      assertTrue(r.mean("formation/cycler/ch3Temperature", from, to) > r.mean("formation/cycler/ch1Temperature", from, to) + 3);
      List<FinishedCell> faulty = r.cells().stream().filter(FinishedCell::faulty).toList();
      assertTrue(faulty.size() >= 5, "faulty " + faulty.size());
      // Channel 3 takes cells 3, 7, 11, ...
      assertTrue(faulty.stream().allMatch(c -> Integer.parseInt(c.cellId().substring(2)) % 4 == 3));
      double faultyCap = capacities(r, c -> c.faulty());
      double goodCap = capacities(r, c -> !c.faulty());
      assertTrue(faultyCap < goodCap - 0.2, goodCap + " vs " + faultyCap);
    }

    @Test
    void pressureLossLowersTheFirstCycleCoulombicEfficiencyOfTheCellsItHits() {
      Run r = run(DEMO, faults("pressureLoss start=20m duration=10m magnitude=0.15"), Duration.ofMinutes(45), 1000);
      // Cells 21..30 were pressed in the fault; cell n is formed in minutes [n + 2, n + 6).
      double healthy = java.util.stream.LongStream.rangeClosed(5, 16).mapToDouble(n -> firstCycleCe(r, n)).average().orElseThrow();
      double hit = java.util.stream.LongStream.rangeClosed(22, 29).mapToDouble(n -> firstCycleCe(r, n)).average().orElseThrow();
      assertEquals(LineSimulation.NOMINAL_FIRST_CYCLE_CE, healthy, 0.005);
      assertTrue(hit < healthy - 0.015, healthy + " vs " + hit);
    }

    /** Discharge step capacity over charge step capacity of cell n, from its channel's counter. */
    private double firstCycleCe(Run r, long n) {
      String key = "formation/cycler/ch" + ((n - 1) % 4 + 1) + "Capacity";
      double charge = r.max(key, Duration.ofSeconds((n + 2) * 60 + 5), Duration.ofSeconds((n + 2) * 60 + 150));
      double discharge = r.max(key, Duration.ofSeconds((n + 2) * 60 + 160), Duration.ofSeconds((n + 6) * 60 - 1));
      return discharge / charge;
    }

    private double chargeCurrent(Run r, String key, Duration from, Duration to) {
      return r.window(key, from, to).stream().mapToDouble(SimUpdate.TagValue::value).filter(v -> v > 0.3)
          .average().orElseThrow();
    }

    private double capacities(Run r, Predicate<FinishedCell> which) {
      // EOL capacity of a cell is written when it arrives at eol, one takt before it finishes.
      return r.cells().stream().filter(which)
          .mapToDouble(c -> r.of("eol/eolTester/capacity").stream()
              .filter(v -> v.sourceTime().isBefore(c.finishedAt()) && !v.sourceTime().isBefore(c.finishedAt().minusSeconds(60)))
              .findFirst().orElseThrow().value())
          .average().orElseThrow();
    }

    @Test
    void genericDriftMovesAnyTag() {
      Run r = run(DEMO, faults("drift:mixing.viscosity start=10m ramp=10m magnitude=1"), Duration.ofMinutes(40), 1000);
      assertTrue(r.mean("mixing/mixer/viscosity", Duration.ofMinutes(25), Duration.ofMinutes(40))
          > r.mean("mixing/mixer/viscosity", Duration.ofMinutes(0), Duration.ofMinutes(10)) + 1.5);
    }

    @Test
    void unknownTargetIsRejectedNamingFaultAndTarget() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new LineSimulation(DEMO, faults("drift:calendering.densty"), T0));
      assertTrue(e.getMessage().startsWith("fault \"drift:calendering.densty\": unknown target \"calendering.densty\""),
          e.getMessage());
    }

    @Test
    void channelOutOfRangeIsRejected() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new LineSimulation(DEMO, faults("channelFault channel=9"), T0));
      assertEquals("fault \"channelFault channel=9\": channel 9 out of range: station formation has 4 channels",
          e.getMessage());
    }
  }

  @Test
  void injectedStatusTravelsWithValuesUntilCleared() {
    LineSimulation sim = new LineSimulation(DEMO, SimulatorOptions.defaults(), T0);
    String node = DemoLines.NS + "mixing/mixer/speed";
    sim.injectStatus(node, 0x80000000L);
    long bad = sim.step(T0.plusSeconds(2)).updates().stream().filter(u -> u.nodeId().equals(node))
        .mapToLong(SimUpdate::statusCode).findFirst().orElseThrow();
    sim.clearStatus(node);
    long good = sim.step(T0.plusSeconds(4)).updates().stream().filter(u -> u.nodeId().equals(node))
        .mapToLong(SimUpdate::statusCode).findFirst().orElseThrow();
    assertEquals(0x80000000L, bad);
    assertEquals(0L, good);
  }

  // Not a pass/fail figure: reports the pure simulation's rate for the PERFORMANCE notes.
  @Test
  void syntheticLineStepsThousandsOfTagsPerMillisecond() {
    LineSimulation sim = new LineSimulation(DemoLines.syntheticLine(10_000, 100), SimulatorOptions.defaults(), T0);
    long n = 0;
    long t0 = System.nanoTime();
    for (int i = 1; i <= 100; i++) {
      n += sim.step(T0.plusMillis(100L * i)).updates().size();
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    System.out.printf("LineSimulation: %d values in %.0f ms = %.0f values/s%n", n, ms, n / ms * 1000);
    assertEquals(1_000_000, n);
  }
}
