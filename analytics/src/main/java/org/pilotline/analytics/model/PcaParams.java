package org.pilotline.analytics.model;

/**
 * How many principal components a PCA model keeps: a fixed number, or the fewest whose
 * cumulative share of the (standardised) variance reaches a fraction.
 *
 * @param components the number to keep, or 0 to choose by {@code varianceRetained}
 * @param varianceRetained the variance fraction in (0, 1], used when components is 0
 */
public record PcaParams(int components, double varianceRetained) {
  public PcaParams {
    if (components < 0) {
      throw new IllegalArgumentException("components must be >= 0: " + components);
    }
    if (components == 0 && !(varianceRetained > 0 && varianceRetained <= 1)) {
      throw new IllegalArgumentException("varianceRetained must be in (0, 1]: " + varianceRetained);
    }
  }

  public static PcaParams components(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("components must be > 0: " + k);
    }
    return new PcaParams(k, Double.NaN);
  }

  public static PcaParams varianceRetained(double fraction) {
    return new PcaParams(0, fraction);
  }
}
