package org.pilotline.acquisition.sim;

import java.util.List;

/**
 * What one {@link LineSimulation#step} produced: node updates in source-time order, and the cells
 * that finished.
 */
public record SimStep(List<SimUpdate> updates, List<FinishedCell> finishedCells) {
  public SimStep {
    updates = List.copyOf(updates);
    finishedCells = List.copyOf(finishedCells);
  }
}
