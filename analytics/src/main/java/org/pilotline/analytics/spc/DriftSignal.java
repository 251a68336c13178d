package org.pilotline.analytics.spc;

import java.time.Instant;

/**
 * An EWMA or CUSUM chart's out-of-control signal.
 *
 * @param chart "EWMA" or "CUSUM"
 * @param index the 0-based position in the chart's stream of the value that signalled
 * @param time that value's time, or null
 * @param upward true for a shift up, false for a shift down
 * @param statistic the chart statistic at the signal, in the chart's units (see the chart)
 * @param limit the limit it crossed, same units
 */
public record DriftSignal(String chart, long index, Instant time, boolean upward, double statistic,
    double limit) {
  public DriftSignal {
    if (chart == null || chart.isBlank()) {
      throw new IllegalArgumentException("chart is required");
    }
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0: " + index);
    }
  }
}
