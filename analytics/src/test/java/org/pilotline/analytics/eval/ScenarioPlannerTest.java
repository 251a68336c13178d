package org.pilotline.analytics.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.sim.FaultSpec;
import org.pilotline.acquisition.sim.FinishedCell;
import org.pilotline.acquisition.sim.LineSimulation;
import org.pilotline.acquisition.testing.TestLines;

/** The planner aims; the simulator's own labels are the proof that it hit. */
class ScenarioPlannerTest {
  private static final Line DEMO = LineLoader.load(TestLines.configDir().resolve("line.yaml"));

  // A 10 s takt: the plan is in takts, and the simulation walks every tag's sampling grid, so a
  // shorter takt proves the same in a sixth of the time.
  private static ScenarioOptions options(int cells, double faultRate, long seed) {
    return new ScenarioOptions(seed, cells, faultRate, 0.4, 10, 10, 1000, 0.01, Path.of("config"), null, null);
  }

  /** Runs the simulation takt by takt (labels only need the schedule) and returns its cells. */
  private static List<FinishedCell> labels(Scenario s) {
    LineSimulation sim = new LineSimulation(DEMO, s.simulator(), HeadlessLine.START);
    List<FinishedCell> out = new ArrayList<>();
    Instant t = HeadlessLine.START;
    Duration takt = Duration.ofMillis(Math.round(s.simulator().taktSeconds() * 1000));
    while (out.size() < s.cellsToRun()) {
      t = t.plus(takt);
      out.addAll(sim.step(t).finishedCells());
    }
    return out.subList(0, s.cellsToRun());
  }

  @Test
  void theDemoScenarioTouchesAboutTheFaultRateWithSixKindsAndOnlyInTheScoredPart() {
    Scenario s = ScenarioPlanner.plan(DEMO, options(2000, 0.05, 1));
    List<FinishedCell> cells = labels(s);
    Set<String> kinds = new TreeSet<>();
    int faulty = 0;
    for (int i = 0; i < cells.size(); i++) {
      FinishedCell c = cells.get(i);
      if (c.faulty()) {
        assertTrue(i >= s.warmUpCells() + s.trainingCells(), c.cellId() + " is faulty outside the scored part");
        faulty++;
        c.faults().forEach(h -> kinds.add(h.fault().kind().label()));
      }
    }
    assertEquals(Set.of("pressureLoss", "loadingStep", "rollWear", "dryRoomExcursion", "channelFault", "drift"), kinds);
    double rate = (double) faulty / 2000;
    assertTrue(rate >= 0.04 && rate <= 0.065, "fault rate " + rate + " (" + faulty + " cells)");
    assertEquals(List.of(), s.notes());
  }

  @Test
  void everyFaultOfTheScenarioTouchesSomeCellAndSameSeedPlansTheSame() {
    Scenario s = ScenarioPlanner.plan(DEMO, options(1000, 0.05, 7));
    Set<String> touched = new TreeSet<>();
    labels(s).forEach(c -> c.faults().forEach(h -> touched.add(h.fault().text())));
    assertEquals(new TreeSet<>(s.faults().stream().map(FaultSpec::text).toList()), touched);
    assertEquals(s.faults(), ScenarioPlanner.plan(DEMO, options(1000, 0.05, 7)).faults());
  }

  @Test
  void aScoredPartTooShortForTheEpisodesIsAnErrorThatSaysWhatToChange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScenarioPlanner.plan(DEMO, options(100, 0.5, 1)));
    assertTrue(e.getMessage().contains("--cells"), e.getMessage());
  }

  @Test
  void aKindWhoseTargetTheLineLacksIsLeftOutWithANote() {
    Scenario s = ScenarioPlanner.plan(DEMO, options(1000, 0.05, 1),
        List.of("pressureLoss", "drift:paint.temperature"));
    assertEquals(1, s.notes().size(), s.notes().toString());
    assertTrue(s.notes().get(0).contains("paint.temperature"), s.notes().get(0));
  }
}
