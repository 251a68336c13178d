package org.pilotline.analytics.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitRole;
import org.pilotline.acquisition.sim.FaultKind;
import org.pilotline.acquisition.sim.FaultSpec;
import org.pilotline.acquisition.sim.LineSimulation;
import org.pilotline.acquisition.sim.SimulatorOptions;

/**
 * Plans a seeded evaluation scenario: which faults to inject, when, so that about
 * {@code faultRate × cells} cells are touched, spread over every fault kind the line supports and
 * over the scored part of the run only (the training part is a clean reference period, as a line
 * is commissioned before its models are trained).
 *
 * <p>Each fault kind gets an equal share of the faulty cells, in episodes: a few consecutive cells
 * for a cell-station fault, whole rolls for a roll-station fault (aligned to roll boundaries, so
 * that a roll is either faulty or not, and ending a fifth of a roll early so that the process has
 * settled when the next, good roll arrives), every fourth cell for a formation channel. The scored part
 * is cut into one segment per episode, in a seeded random order of kinds, and each episode sits at
 * a seeded random place inside its segment, away from its edges, so episodes never overlap.
 *
 * <p>To aim the windows the planner mirrors the simulator's schedule ({@link LineSimulation}: cell
 * n enters cell station i at takt n − 1 + offset(i); roll r is at the roll station d stations before
 * the cell route during takts [(r − d)·cellsPerRoll, (r − d + 1)·cellsPerRoll)). The labels come from
 * the simulator itself, so a mismatch could only move the fault rate, never mislabel a cell; the
 * rate actually reached is printed with the figures.
 */
public final class ScenarioPlanner {
  /**
   * The faults of the demo line's scenario: the five named kinds at their default targets and a
   * generic drift, with magnitudes chosen to be visible but not glaring (a few σ of the affected
   * reading, rather than the simulator's demo defaults that no detector could miss).
   */
  public static final List<String> DEFAULT_TEMPLATES = List.of(
      "pressureLoss magnitude=0.04",
      "loadingStep magnitude=0.03",
      "rollWear magnitude=-0.02",
      "dryRoomExcursion magnitude=8",
      "channelFault magnitude=0.08",
      "drift:sealing.sealTemperature magnitude=0.4");

  private ScenarioPlanner() {}

  private enum Scope { CELL, CHANNEL, ROLL, LINE }

  private record Template(FaultSpec spec, Scope scope, int offsetTakts, int parallel, int rollDistance,
      int episodeCells) {}

  private record Episode(Template template, int firstCell) {}

  /** Plans with {@link #DEFAULT_TEMPLATES}. */
  public static Scenario plan(Line line, ScenarioOptions options) {
    return plan(line, options, DEFAULT_TEMPLATES);
  }

  /**
   * @param templates fault strings without {@code start}, {@code duration}, {@code ramp} or
   *     {@code channel}: the planner sets those
   * @throws IllegalArgumentException when a template does not parse, or the scored part is too
   *     short for the episodes
   */
  public static Scenario plan(Line line, ScenarioOptions options, List<String> templates) {
    Schedule schedule = new Schedule(line);
    int cpr = options.cellsPerRoll();
    List<String> notes = new ArrayList<>();
    List<Template> kinds = new ArrayList<>();
    for (String text : templates) {
      FaultSpec spec = FaultSpec.parse(text);
      Template t = template(spec, schedule, cpr, line, notes);
      if (t != null) {
        kinds.add(t);
      }
    }
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException("no fault kind of " + templates + " applies to line \"" + line.name() + "\"");
    }
    int warmUp = schedule.maxRollDistance * cpr;
    int training = options.trainingCells();
    int scored = options.cells() - training;
    int budget = (int) Math.round(options.faultRate() * options.cells());
    Random random = new Random(options.seed() * 0x9E3779B97F4A7C15L + 17);
    List<Episode> episodes = new ArrayList<>();
    List<Template> order = new ArrayList<>();
    for (Template t : kinds) {
      int share = Math.max(1, Math.round((float) budget / kinds.size()));
      int n = Math.max(1, Math.round((float) share / t.episodeCells));
      for (int i = 0; i < n; i++) {
        order.add(t);
      }
    }
    Collections.shuffle(order, random);
    int firstScored = warmUp + training + 1;
    double segment = (double) scored / order.size();
    // Room between episodes, so that no cell is touched by two and the process settles in between.
    int margin = Math.max(4, cpr / 2);
    for (int i = 0; i < order.size(); i++) {
      Template t = order.get(i);
      int from = firstScored + (int) Math.ceil(i * segment) + margin;
      int to = firstScored + (int) Math.floor((i + 1) * segment) - margin - span(t, cpr);
      if (t.scope == Scope.ROLL) {
        from = ((from - 1 + cpr - 1) / cpr) * cpr + 1;
      }
      if (to < from) {
        throw new IllegalArgumentException("the scored part (" + scored + " cells) is too short for "
            + order.size() + " fault episodes; raise --cells or lower --faultRate");
      }
      int first = from + random.nextInt(to - from + 1);
      if (t.scope == Scope.ROLL) {
        first = ((first - 1) / cpr) * cpr + 1;
        first = Math.max(first, from);
      }
      episodes.add(new Episode(t, first));
    }
    List<FaultSpec> faults = new ArrayList<>();
    for (Episode e : episodes) {
      faults.add(fault(e, options, cpr));
    }
    faults.sort(Comparator.comparing(FaultSpec::start));
    SimulatorOptions sim = SimulatorOptions.defaults().withSeed(options.seed())
        .withTaktSeconds(options.taktSeconds()).withCellsPerRoll(options.cellsPerRoll()).withFaults(faults);
    return new Scenario(sim, warmUp, training, scored, faults, notes);
  }

  private static Template template(FaultSpec spec, Schedule schedule, int cpr, Line line, List<String> notes) {
    String target = spec.effectiveTarget();
    String stationId;
    if (spec.kind() == FaultKind.CHANNEL_FAULT) {
      stationId = target != null ? target : schedule.firstParallelStation();
    } else {
      stationId = target.substring(0, Math.max(0, target.indexOf('.')));
    }
    if (stationId == null || line.station(stationId).isEmpty()) {
      notes.add(spec.kind().label() + " left out: line \"" + line.name() + "\" has no station for target "
          + target);
      return null;
    }
    Integer cell = schedule.cellOffset(stationId);
    if (cell != null) {
      int parallel = schedule.parallel(stationId);
      if (spec.kind() == FaultKind.CHANNEL_FAULT) {
        return new Template(spec, Scope.CHANNEL, cell, parallel, 0, 3);
      }
      if (parallel > 1) {
        notes.add(spec.kind().label() + " left out: station " + stationId + " works cells in parallel");
        return null;
      }
      return new Template(spec, Scope.CELL, cell, 1, 0, 5);
    }
    Integer distance = schedule.rollDistance(stationId);
    if (distance != null) {
      return new Template(spec, Scope.ROLL, 0, 1, distance, spec.kind().ramped() ? 2 * cpr : cpr);
    }
    // A line-wide fault (the dry room) touches the cells open to the room: offsetTakts holds how
    // many takts a cell is open.
    return new Template(spec, Scope.LINE, schedule.exposureTakts, 1, 0, schedule.exposureTakts + 3);
  }

  /** How many consecutive cells an episode of this template spans. */
  private static int span(Template t, int cpr) {
    return switch (t.scope) {
      case CELL, LINE -> t.episodeCells;
      case CHANNEL -> (t.episodeCells - 1) * t.parallel + 1;
      case ROLL -> (int) Math.ceil((double) t.episodeCells / cpr) * cpr;
    };
  }

  private static FaultSpec fault(Episode e, ScenarioOptions options, int cpr) {
    Template t = e.template;
    FaultSpec spec = t.spec;
    long startTakt;
    long durationTakts;
    String extra = "";
    switch (t.scope) {
      case CELL -> {
        startTakt = e.firstCell - 1L + t.offsetTakts;
        durationTakts = t.episodeCells;
      }
      case CHANNEL -> {
        startTakt = e.firstCell - 1L + t.offsetTakts;
        durationTakts = (t.episodeCells - 1L) * t.parallel + 1;
        extra = " channel=" + ((e.firstCell - 1) % t.parallel + 1);
      }
      case ROLL -> {
        long roll = (e.firstCell - 1L) / cpr + 1;
        long rolls = (long) Math.ceil((double) t.episodeCells / cpr);
        startTakt = (roll - t.rollDistance) * cpr;
        // Ends a fifth of a roll early: the process settles back (the simulator's tags lag their
        // setpoint by about a minute) before the next roll, which is labelled good, arrives.
        durationTakts = Math.max(1, rolls * cpr - Math.max(1, cpr / 5));
      }
      default -> {
        // Cell n is open to the room during takts [n − 1, n − 1 + E): a window [a, a + L) touches
        // cells a − E + 2 .. a + L, that is L + E − 1 cells from the first.
        int exposure = t.offsetTakts;
        startTakt = e.firstCell + exposure - 2L;
        durationTakts = Math.max(1, t.episodeCells - exposure + 1);
      }
    }
    long taktMs = Math.round(options.taktSeconds() * 1000);
    if (spec.kind().ramped()) {
      extra += " ramp=" + Math.max(taktMs, durationTakts * taktMs / 2) + "ms";
    }
    String head = spec.kind().label() + (spec.target() != null ? ":" + spec.target() : "");
    String text = head + " start=" + startTakt * taktMs + "ms duration=" + durationTakts * taktMs + "ms"
        + " magnitude=" + String.format(Locale.ROOT, "%s", spec.magnitude()) + extra;
    return FaultSpec.parse(text);
  }

  /** The simulator's schedule, read from the line as {@link LineSimulation} reads it. */
  private static final class Schedule {
    final List<String> cellStations = new ArrayList<>();
    final List<Integer> offsets = new ArrayList<>();
    final List<Integer> parallels = new ArrayList<>();
    final List<String> rollStations = new ArrayList<>();
    final int totalTakts;
    final int maxRollDistance;
    final int exposureTakts;

    Schedule(Line line) {
      int offset = 0;
      for (Station s : line.stations()) {
        int cellSlots = slots(s, UnitKind.CELL);
        if (cellSlots > 0) {
          cellStations.add(s.id());
          offsets.add(offset);
          parallels.add(cellSlots);
          offset += cellSlots;
        } else if (slots(s, UnitKind.ROLL) > 0) {
          rollStations.add(s.id());
        }
      }
      totalTakts = offset;
      maxRollDistance = rollStations.size();
      int end = -1;
      for (int i = 0; i < cellStations.size() && end < 0; i++) {
        if (cellStations.get(i).toLowerCase(Locale.ROOT).contains("seal")) {
          end = i;
        }
      }
      for (int i = 0; i < cellStations.size() && end < 0; i++) {
        if (parallels.get(i) > 1) {
          end = Math.max(0, i - 1);
        }
      }
      end = Math.max(end, 0);
      exposureTakts = cellStations.isEmpty() ? 1 : offsets.get(end) + parallels.get(end);
    }

    private static int slots(Station s, UnitKind kind) {
      return (int) s.equipment().stream().flatMap(e -> e.units().stream())
          .filter(u -> u.kind() == kind && u.role() == UnitRole.PROCESS).count();
    }

    Integer cellOffset(String station) {
      int i = cellStations.indexOf(station);
      return i < 0 ? null : offsets.get(i);
    }

    int parallel(String station) {
      return parallels.get(cellStations.indexOf(station));
    }

    Integer rollDistance(String station) {
      int i = rollStations.indexOf(station);
      return i < 0 ? null : rollStations.size() - i;
    }

    String firstParallelStation() {
      for (int i = 0; i < cellStations.size(); i++) {
        if (parallels.get(i) > 1) {
          return cellStations.get(i);
        }
      }
      return null;
    }
  }
}
