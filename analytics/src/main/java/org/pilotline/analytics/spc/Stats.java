package org.pilotline.analytics.spc;

/** Small numeric helpers shared by the charts and indices. */
final class Stats {
  private Stats() {}

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      requireFinite(v);
      s += v;
    }
    return s / x.length;
  }

  /** Sample standard deviation (n - 1). */
  static double sampleSd(double[] x) {
    double m = mean(x);
    double ss = 0;
    for (double v : x) {
      ss += (v - m) * (v - m);
    }
    return Math.sqrt(ss / (x.length - 1));
  }

  static double averageMovingRange(double[] x) {
    double s = 0;
    for (int i = 1; i < x.length; i++) {
      requireFinite(x[i]);
      s += Math.abs(x[i] - x[i - 1]);
    }
    return s / (x.length - 1);
  }

  static void requireFinite(double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("not a finite value: " + v);
    }
  }
}
