package org.pilotline.analytics.anomaly;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The verdict on one finished cell: what MES and PLCs read back (for example to divert a NOK
 * cell) and what the HMI shows per station.
 *
 * @param cellId the cell
 * @param completedAt the end of its last (EOL) process window
 * @param scoredAt when it was scored
 * @param ok false when the model flagged it
 * @param modelKind the model kind's name
 * @param modelVersion the model's registry version
 * @param score the model's score
 * @param threshold the calibrated threshold
 * @param topCause the top contributing feature; null when none
 * @param anomalyId the anomaly raised for it; null when ok
 * @param stations the stations of the cell's route, in order
 */
public record CellVerdict(String cellId, Instant completedAt, Instant scoredAt, boolean ok,
    String modelKind, int modelVersion, double score, double threshold, String topCause,
    Long anomalyId, List<String> stations) {
  public CellVerdict {
    Objects.requireNonNull(completedAt, "completedAt");
    Objects.requireNonNull(scoredAt, "scoredAt");
    Objects.requireNonNull(modelKind, "modelKind");
    if (cellId == null || cellId.isBlank()) {
      throw new IllegalArgumentException("cellId is required");
    }
    if (ok != (anomalyId == null)) {
      throw new IllegalArgumentException("a NOK verdict carries its anomaly id, an OK one none");
    }
    stations = List.copyOf(stations);
  }
}
