package org.pilotline.analytics.spc;

/**
 * Centre line and process sigma of an individuals chart; the k-sigma limits follow from them.
 *
 * @param center the centre line (baseline mean or the configured target)
 * @param sigma the short-term process sigma, > 0
 */
public record ControlLimits(double center, double sigma) {
  /** d2 for moving ranges of two consecutive points (subgroup size 2). */
  public static final double D2 = 1.128;

  public ControlLimits {
    if (!Double.isFinite(center)) {
      throw new IllegalArgumentException("center must be finite: " + center);
    }
    if (!(sigma > 0) || !Double.isFinite(sigma)) {
      throw new IllegalArgumentException("sigma must be finite and > 0: " + sigma);
    }
  }

  /** Limits given in configuration. */
  public static ControlLimits of(double center, double sigma) {
    return new ControlLimits(center, sigma);
  }

  /**
   * Limits estimated from an in-control baseline window: the mean, and sigma = average moving
   * range / d2. The moving range rather than the overall standard deviation keeps slow drift in
   * the baseline from inflating sigma (and so hiding the drift it should reveal).
   *
   * @throws IllegalArgumentException for fewer than 2 values, a non-finite value, or a baseline
   *     without any variation
   */
  public static ControlLimits fromBaseline(double[] baseline) {
    if (baseline.length < 2) {
      throw new IllegalArgumentException("baseline needs at least 2 values, got " + baseline.length);
    }
    double mean = Stats.mean(baseline);
    double sigma = Stats.averageMovingRange(baseline) / D2;
    if (!(sigma > 0)) {
      throw new IllegalArgumentException("baseline has no variation (average moving range 0)");
    }
    return new ControlLimits(mean, sigma);
  }

  /** The upper limit at {@code k} sigma. */
  public double upper(double k) {
    return center + k * sigma;
  }

  /** The lower limit at {@code k} sigma. */
  public double lower(double k) {
    return center - k * sigma;
  }

  /** The value in sigma units from the centre line. */
  public double zScore(double value) {
    return (value - center) / sigma;
  }
}
