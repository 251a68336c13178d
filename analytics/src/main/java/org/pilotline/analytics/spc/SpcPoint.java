package org.pilotline.analytics.spc;

import java.time.Instant;

/**
 * One value of a stream as a chart saw it.
 *
 * @param index the 0-based position in the chart's stream
 * @param time the value's time (the reading's source time); may be null when the caller has none
 * @param value the value
 */
public record SpcPoint(long index, Instant time, double value) {
  public SpcPoint {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0: " + index);
    }
    Stats.requireFinite(value);
  }
}
