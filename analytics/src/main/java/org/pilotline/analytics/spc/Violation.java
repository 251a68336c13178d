package org.pilotline.analytics.spc;

import java.time.Instant;
import java.util.List;

/**
 * A rule violation, reported at the point that completes it.
 *
 * @param rule the rule
 * @param points the points involved, oldest first; the last one completed the pattern
 */
public record Violation(NelsonRule rule, List<SpcPoint> points) {
  public Violation {
    if (rule == null || points == null || points.isEmpty()) {
      throw new IllegalArgumentException("a violation needs a rule and at least one point");
    }
    points = List.copyOf(points);
  }

  /** The index of the point that completed the pattern. */
  public long index() {
    return points.get(points.size() - 1).index();
  }

  /** The time of the point that completed the pattern (null if the stream has no times). */
  public Instant time() {
    return points.get(points.size() - 1).time();
  }
}
