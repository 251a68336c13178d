package org.pilotline.analytics.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.sim.FinishedCell;
import org.pilotline.acquisition.sim.GroundTruthWriter;
import org.pilotline.acquisition.sim.LineSimulation;
import org.pilotline.acquisition.sim.SimStep;
import org.pilotline.acquisition.sim.SimUpdate;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.store.CopyReadingWriter;
import org.pilotline.acquisition.store.JdbcTagRegistry;
import org.pilotline.acquisition.store.JdbcUnitStore;
import org.pilotline.acquisition.store.UnitCommand;
import org.pilotline.acquisition.store.UnitTracker;

/**
 * Runs the simulated line headless, as fast as the database takes it, into the same tables
 * acquisition fills: each tag value becomes a {@link Reading} written by {@link CopyReadingWriter},
 * each unit-node change a {@link CellEvent} turned into process windows and genealogy by
 * {@link UnitTracker} and {@link JdbcUnitStore}. Only OPC UA is left out (the simulator's values
 * are taken where the server would publish them), which makes a 2,000-cell run take minutes
 * instead of a day; the path through OPC UA is what {@code AnomalyEndToEndIT} covers.
 *
 * <p>The line is sampled every {@code stepMillis} of simulated time: each tag reports at most its
 * latest sample per step, as a subscription with that publishing interval and a queue of one
 * would. Source and server timestamps are the simulated time.
 */
public final class HeadlessLine {
  /** Where simulated time starts: fixed, so a seed gives the same database content. */
  public static final Instant START = Instant.parse("2026-01-05T06:00:00Z");
  private static final int READING_BATCH = 50_000;
  private static final int COMMAND_BATCH = 2_000;

  private HeadlessLine() {}

  /**
   * @param cells the finished cells, in the order they left the line, with the simulator's truth
   * @param readings readings stored
   * @param simulated simulated time covered
   */
  public record Run(List<FinishedCell> cells, long readings, Duration simulated) {}

  /**
   * Registers the line's tags and runs the simulation until {@code cellsToRun} cells have finished.
   * Blocking.
   *
   * @param groundTruth where to write the simulator's ground-truth CSV, or null
   */
  public static Run run(Line line, SimulatorOptions options, int cellsToRun, long stepMillis, DataSource dataSource,
      Path groundTruth, PrintStream progressOut) throws SQLException, IOException {
    Map<String, Integer> tagIds = JdbcTagRegistry.register(dataSource, line);
    Map<String, UnitNode> slots = new HashMap<>();
    for (Station s : line.stations()) {
      for (Equipment e : s.equipment()) {
        for (UnitNode u : e.units()) {
          slots.put(s.id() + "/" + e.id() + "/" + u.name(), u);
        }
      }
    }
    SimClock clock = new SimClock(START);
    UnitTracker tracker = new UnitTracker(clock);
    LineSimulation sim = new LineSimulation(line, options, START);
    CopyReadingWriter writer = new CopyReadingWriter(dataSource);
    JdbcUnitStore units = new JdbcUnitStore(dataSource);
    Map<String, String> inSlot = new HashMap<>();
    List<Reading> readings = new ArrayList<>(READING_BATCH + 1024);
    List<UnitCommand> commands = new ArrayList<>();
    List<FinishedCell> finished = new ArrayList<>(cellsToRun);
    Progress progress = new Progress("simulating the line", "cells", cellsToRun, progressOut);
    long stored = 0;
    long step = Duration.ofMillis(stepMillis).toNanos();
    Instant now = START;
    try (GroundTruthWriter truth = groundTruth == null ? null : new GroundTruthWriter(groundTruth)) {
      while (finished.size() < cellsToRun) {
        now = now.plusNanos(step);
        clock.now = now;
        SimStep s = sim.step(now);
        for (SimUpdate u : s.updates()) {
          if (u instanceof SimUpdate.TagValue t) {
            readings.add(new Reading(tagIds.get(t.key()), t.sourceTime(), t.sourceTime(), t.value(), t.statusCode()));
          } else if (u instanceof SimUpdate.UnitValue v) {
            String key = v.stationId() + "/" + v.equipmentId() + "/" + v.slot();
            UnitNode node = slots.get(key);
            String previous = inSlot.put(key, v.unit());
            commands.addAll(tracker.accept(new CellEvent(v.stationId(), v.equipmentId(), v.slot(), node.kind(),
                node.role(), previous == null || previous.isEmpty() ? null : previous,
                v.unit().isEmpty() ? null : v.unit(), v.sourceTime())));
          }
        }
        commands.addAll(tracker.flush());
        for (FinishedCell c : s.finishedCells()) {
          if (finished.size() < cellsToRun) {
            finished.add(c);
            if (truth != null) {
              truth.write(c);
            }
          }
        }
        if (readings.size() >= READING_BATCH) {
          writer.write(readings);
          stored += readings.size();
          readings.clear();
        }
        if (commands.size() >= COMMAND_BATCH) {
          units.apply(commands);
          commands.clear();
        }
        progress.update(finished.size());
      }
      // Pairs still undecided are decided by the tracker's grace, on the simulated clock.
      clock.now = now.plus(UnitTracker.GRACE).plusSeconds(1);
      commands.addAll(tracker.flush());
      writer.write(readings);
      stored += readings.size();
      units.apply(commands);
    }
    progress.done(finished.size());
    return new Run(List.copyOf(finished), stored, Duration.between(START, now));
  }

  /** The tracker's grace runs on simulated time: nothing reports late in-process. */
  private static final class SimClock extends Clock {
    Instant now;

    SimClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
