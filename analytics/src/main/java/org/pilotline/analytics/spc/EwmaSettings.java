package org.pilotline.analytics.spc;

/**
 * An EWMA chart's parameters (see {@link EwmaChart}).
 *
 * @param lambda smoothing weight, 0 &lt; λ ≤ 1
 * @param width L, the limit width in sigmas of the statistic, &gt; 0
 */
public record EwmaSettings(double lambda, double width) {
  public EwmaSettings {
    if (!(lambda > 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda must be in (0, 1]: " + lambda);
    }
    if (!(width > 0) || !Double.isFinite(width)) {
      throw new IllegalArgumentException("width L must be > 0: " + width);
    }
  }
}
