package org.pilotline.analytics.model;

import java.util.Arrays;

/**
 * Per-feature centring and scaling learned on the training set: z = (x − mean) / sd. A constant
 * feature gets sd 1, so it stays 0 rather than becoming NaN.
 */
public record Standardisation(double[] mean, double[] sd) {
  public Standardisation {
    if (mean.length != sd.length || mean.length == 0) {
      throw new IllegalArgumentException("mean and sd need the same, non-zero length");
    }
    for (double s : sd) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("every sd must be > 0");
      }
    }
    mean = mean.clone();
    sd = sd.clone();
  }

  /** Learns means and sample standard deviations (n − 1) of the columns. */
  public static Standardisation fit(double[][] x) {
    int d = Models.width(x);
    double[] mean = new double[d];
    double[] sd = new double[d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= x.length;
    }
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
      }
    }
    for (int j = 0; j < d; j++) {
      double s = Math.sqrt(sd[j] / (x.length - 1));
      sd[j] = s > 0 ? s : 1.0;
    }
    return new Standardisation(mean, sd);
  }

  public int dimension() {
    return mean.length;
  }

  public double[] apply(double[] x) {
    if (x.length != mean.length) {
      throw new IllegalArgumentException("expected " + mean.length + " features, got " + x.length);
    }
    double[] z = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      z[j] = (x[j] - mean[j]) / sd[j];
    }
    return z;
  }

  public double[][] apply(double[][] x) {
    double[][] z = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      z[i] = apply(x[i]);
    }
    return z;
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] sd() {
    return sd.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardisation s && Arrays.equals(mean, s.mean) && Arrays.equals(sd, s.sd);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(sd);
  }

  @Override
  public String toString() {
    return "Standardisation[mean=" + Arrays.toString(mean) + ", sd=" + Arrays.toString(sd) + "]";
  }
}
