package org.pilotline.analytics.spc;

import java.time.Instant;
import java.util.Optional;

/**
 * EWMA chart for small sustained shifts: z_i = λ·x_i + (1 − λ)·z_{i−1}, z_0 = centre, signalling
 * when |z_i − centre| &gt; L·σ·√(λ/(2−λ)·(1 − (1−λ)^{2i})). The exact, time-varying limit (not
 * the asymptotic one) keeps the first points from being judged too leniently.
 *
 * <p>After a signal the chart restarts from the centre line, so a persisting shift signals again
 * after a fresh run rather than on every point. Settings for an in-control ARL of about 500 with
 * asymptotic limits (Lucas and Saccucci 1990): λ = 0.05, L = 2.615; λ = 0.1, L = 2.814; λ = 0.2,
 * L = 2.962. The exact limits lower that a little: λ = 0.1, L = 2.814 measures about 490 here
 * (DriftDetectionTest), and L = 2.7 about 355.
 */
public final class EwmaChart {
  private final ControlLimits limits;
  private final double lambda;
  private final double width;
  private double z;
  private long index;
  private long sinceRestart;

  /**
   * @param limits centre and sigma of the individual values
   * @param lambda smoothing weight, 0 &lt; λ ≤ 1
   * @param width L, the limit width in sigmas of the EWMA statistic, &gt; 0
   */
  public EwmaChart(ControlLimits limits, double lambda, double width) {
    if (limits == null) {
      throw new IllegalArgumentException("limits are required");
    }
    if (!(lambda > 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda must be in (0, 1]: " + lambda);
    }
    if (!(width > 0) || !Double.isFinite(width)) {
      throw new IllegalArgumentException("width L must be > 0: " + width);
    }
    this.limits = limits;
    this.lambda = lambda;
    this.width = width;
    restart();
  }

  /** Feeds the next value; the signal's statistic and limit are in the values' own units. */
  public Optional<DriftSignal> add(Instant time, double value) {
    Stats.requireFinite(value);
    sinceRestart++;
    z = lambda * value + (1 - lambda) * z;
    double sd = limits.sigma() * Math.sqrt(lambda / (2 - lambda)
        * (1 - Math.pow(1 - lambda, 2.0 * sinceRestart)));
    double limit = width * sd;
    double dev = z - limits.center();
    long at = index++;
    if (Math.abs(dev) > limit) {
      DriftSignal s = new DriftSignal("EWMA", at, time, dev > 0, z,
          limits.center() + Math.signum(dev) * limit);
      restart();
      return Optional.of(s);
    }
    return Optional.empty();
  }

  public Optional<DriftSignal> add(double value) {
    return add(null, value);
  }

  /** The current EWMA statistic. */
  public double statistic() {
    return z;
  }

  /** Starts afresh from the centre line (the stream index keeps counting). */
  public void restart() {
    z = limits.center();
    sinceRestart = 0;
  }
}
