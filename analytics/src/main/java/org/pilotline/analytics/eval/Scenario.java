package org.pilotline.analytics.eval;

import java.util.List;
import org.pilotline.acquisition.sim.FaultSpec;
import org.pilotline.acquisition.sim.SimulatorOptions;

/**
 * A planned evaluation run: the simulator's options (with the faults to inject) and how the
 * finished cells divide into warm-up, training and scored cells, in the order they finish.
 *
 * @param simulator the simulator's options, faults included
 * @param warmUpCells the first cells, left out: their rolls began their route before the run did
 * @param trainingCells the cells after the warm-up that the models train on (no fault touches them)
 * @param scoredCells the cells after those that are scored
 * @param faults the injected faults, in time order
 * @param notes what the planner left out and why (a fault kind whose target the line lacks)
 */
public record Scenario(SimulatorOptions simulator, int warmUpCells, int trainingCells, int scoredCells,
    List<FaultSpec> faults, List<String> notes) {
  public Scenario {
    faults = List.copyOf(faults);
    notes = List.copyOf(notes);
  }

  /** Every cell the simulator must finish. */
  public int cellsToRun() {
    return warmUpCells + trainingCells + scoredCells;
  }
}
