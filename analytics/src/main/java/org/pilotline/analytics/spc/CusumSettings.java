package org.pilotline.analytics.spc;

/**
 * A tabular CUSUM's parameters, in sigmas (see {@link CusumChart}).
 *
 * @param k reference value, ≥ 0
 * @param h decision interval, &gt; 0
 */
public record CusumSettings(double k, double h) {
  public CusumSettings {
    if (!(k >= 0) || !Double.isFinite(k)) {
      throw new IllegalArgumentException("k must be >= 0: " + k);
    }
    if (!(h > 0) || !Double.isFinite(h)) {
      throw new IllegalArgumentException("h must be > 0: " + h);
    }
  }
}
