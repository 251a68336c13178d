package org.pilotline.analytics.spc;

/**
 * Process capability over a window of individual values.
 *
 * <ul>
 *   <li>Cpk uses the within (short-term) sigma, average moving range / d2;</li>
 *   <li>Ppk uses the overall sigma, the sample standard deviation (n − 1).</li>
 * </ul>
 * With one spec limit only, Cpk/Ppk are the one-sided index on that side and Cp/Pp are NaN.
 *
 * @param n values in the window
 * @param mean their mean
 * @param sigmaWithin average moving range / d2
 * @param sigmaOverall sample standard deviation
 * @param cp (USL − LSL)/(6·σ_within), NaN unless both limits are given
 * @param cpk min over the given sides of (USL − mean)/(3σ_within), (mean − LSL)/(3σ_within)
 * @param pp as cp with the overall sigma
 * @param ppk as cpk with the overall sigma
 */
public record Capability(int n, double mean, double sigmaWithin, double sigmaOverall, double cp,
    double cpk, double pp, double ppk) {

  /**
   * Computes the indices.
   *
   * @param window at least 2 finite values, with some variation
   * @param lsl lower spec limit, or null
   * @param usl upper spec limit, or null
   * @throws IllegalArgumentException with no spec limit, lsl ≥ usl, or a window without variation
   */
  public static Capability of(double[] window, Double lsl, Double usl) {
    if (lsl == null && usl == null) {
      throw new IllegalArgumentException("capability needs at least one spec limit");
    }
    if (lsl != null && usl != null && !(lsl < usl)) {
      throw new IllegalArgumentException("lsl " + lsl + " must be < usl " + usl);
    }
    if (window.length < 2) {
      throw new IllegalArgumentException("window needs at least 2 values, got " + window.length);
    }
    double mean = Stats.mean(window);
    double within = Stats.averageMovingRange(window) / ControlLimits.D2;
    double overall = Stats.sampleSd(window);
    if (!(within > 0) || !(overall > 0)) {
      throw new IllegalArgumentException("window has no variation");
    }
    return new Capability(window.length, mean, within, overall,
        potential(lsl, usl, within), index(mean, lsl, usl, within),
        potential(lsl, usl, overall), index(mean, lsl, usl, overall));
  }

  private static double potential(Double lsl, Double usl, double sigma) {
    return lsl != null && usl != null ? (usl - lsl) / (6 * sigma) : Double.NaN;
  }

  private static double index(double mean, Double lsl, Double usl, double sigma) {
    double upper = usl == null ? Double.POSITIVE_INFINITY : (usl - mean) / (3 * sigma);
    double lower = lsl == null ? Double.POSITIVE_INFINITY : (mean - lsl) / (3 * sigma);
    return Math.min(upper, lower);
  }
}
