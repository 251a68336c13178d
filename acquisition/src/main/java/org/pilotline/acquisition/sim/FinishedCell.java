package org.pilotline.acquisition.sim;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A cell that left the last station, with the injected faults that touched it: the simulator's
 * ground truth for that cell.
 */
public record FinishedCell(String cellId, String rollId, Instant finishedAt, List<FaultHit> faults) {
  public FinishedCell {
    Objects.requireNonNull(cellId, "cellId");
    Objects.requireNonNull(finishedAt, "finishedAt");
    faults = List.copyOf(faults);
  }

  public boolean faulty() {
    return !faults.isEmpty();
  }

  /**
   * One fault that touched a cell.
   *
   * @param windowStart when the fault began (sim time)
   * @param windowEnd when it ended, or null when it lasts to the end of the run
   * @param stationId where it touched the cell (or its roll)
   */
  public record FaultHit(FaultSpec fault, Instant windowStart, Instant windowEnd, String stationId) {
    public FaultHit {
      Objects.requireNonNull(fault, "fault");
      Objects.requireNonNull(windowStart, "windowStart");
      Objects.requireNonNull(stationId, "stationId");
    }
  }
}
