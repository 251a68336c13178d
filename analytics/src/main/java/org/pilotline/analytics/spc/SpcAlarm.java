package org.pilotline.analytics.spc;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A rule or drift chart that fired on one tag's stream, after hold-off: one row of
 * {@code spc_violation}.
 *
 * @param rule the stored rule name: an {@link SpcRule} name, or EWMA_UP, EWMA_DOWN, CUSUM_UP,
 *     CUSUM_DOWN
 * @param description what the rule looks for
 * @param time source time of the last value of the point that completed the pattern
 * @param value that point's value (a subgroup mean when values are grouped)
 * @param figures the numbers behind the decision: centre, sigma, the point's zScore, the
 *     subgroup size n; for EWMA and CUSUM also statistic and limit
 * @param points the values of the points the pattern covers, oldest first
 */
public record SpcAlarm(String rule, String description, Instant time, double value,
    Map<String, Double> figures, List<Double> points) {
  public SpcAlarm {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(time, "time");
    figures = Map.copyOf(figures);
    points = List.copyOf(points);
  }
}
