package org.pilotline.analytics.spc;

import java.time.Instant;
import java.util.Optional;

/**
 * Tabular (two-sided) CUSUM in sigma units: with u_i = (x_i − centre)/σ,
 * C⁺_i = max(0, u_i − k + C⁺_{i−1}) and C⁻_i = max(0, −u_i − k + C⁻_{i−1}), both starting at 0,
 * signalling when either exceeds h.
 *
 * <p>k = 0.5 tunes the chart to a 1σ shift. With k = 0.5, h = 4.77 the two-sided in-control ARL is
 * about 370 (the Shewhart 3σ figure); h = 5 gives about 465 and still detects a 1σ shift in about
 * 10 samples (Montgomery, Introduction to SQC, table 9.3). After a signal both sums restart at 0.
 */
public final class CusumChart {
  private final ControlLimits limits;
  private final double k;
  private final double h;
  private double upper;
  private double lower;
  private long index;

  /**
   * @param limits centre and sigma of the individual values
   * @param k reference value (allowance) in sigmas, ≥ 0
   * @param h decision interval in sigmas, &gt; 0
   */
  public CusumChart(ControlLimits limits, double k, double h) {
    if (limits == null) {
      throw new IllegalArgumentException("limits are required");
    }
    if (!(k >= 0) || !Double.isFinite(k)) {
      throw new IllegalArgumentException("k must be >= 0: " + k);
    }
    if (!(h > 0) || !Double.isFinite(h)) {
      throw new IllegalArgumentException("h must be > 0: " + h);
    }
    this.limits = limits;
    this.k = k;
    this.h = h;
  }

  /** Feeds the next value; the signal's statistic and limit are in sigmas (C⁺ or C⁻ against h). */
  public Optional<DriftSignal> add(Instant time, double value) {
    Stats.requireFinite(value);
    double u = limits.zScore(value);
    upper = Math.max(0, u - k + upper);
    lower = Math.max(0, -u - k + lower);
    long at = index++;
    if (upper > h || lower > h) {
      boolean up = upper >= lower;
      DriftSignal s = new DriftSignal("CUSUM", at, time, up, up ? upper : lower, h);
      restart();
      return Optional.of(s);
    }
    return Optional.empty();
  }

  public Optional<DriftSignal> add(double value) {
    return add(null, value);
  }

  /** C⁺, in sigmas. */
  public double upperSum() {
    return upper;
  }

  /** C⁻, in sigmas. */
  public double lowerSum() {
    return lower;
  }

  /** Sets both sums back to 0 (the stream index keeps counting). */
  public void restart() {
    upper = 0;
    lower = 0;
  }
}
