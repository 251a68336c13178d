package org.pilotline.analytics.model;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Seeded synthetic feature vectors: d features driven by 3 latent factors plus independent noise,
 * so the features are correlated as process features are, with means and scales that differ per
 * feature (so standardisation matters).
 */
final class SyntheticCells {
  final int d;
  private final double[][] mixing;
  private final double[] mean;
  private final double[] scale;
  private final Random rnd;

  SyntheticCells(int d, long seed) {
    this.d = d;
    this.rnd = new Random(seed);
    this.mixing = new double[d][3];
    this.mean = new double[d];
    this.scale = new double[d];
    for (int j = 0; j < d; j++) {
      for (int f = 0; f < 3; f++) {
        mixing[j][f] = rnd.nextGaussian() * 0.8;
      }
      mean[j] = 10 * j - 20;
      scale[j] = 0.5 + j;
    }
  }

  List<String> names() {
    return IntStream.range(0, d).mapToObj(j -> "f" + j).toList();
  }

  /** One in-control vector. */
  double[] next() {
    double[] latent = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
    double[] x = new double[d];
    for (int j = 0; j < d; j++) {
      double v = 0.6 * rnd.nextGaussian();
      for (int f = 0; f < 3; f++) {
        v += mixing[j][f] * latent[f];
      }
      x[j] = mean[j] + scale[j] * v;
    }
    return x;
  }

  double[][] rows(int n) {
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = next();
    }
    return x;
  }

  /** An in-control vector with feature {@code j} shifted by {@code sigmas} of its own spread. */
  double[] outlier(int j, double sigmas, double[][] training) {
    double[] x = next();
    x[j] += sigmas * Standardisation.fit(training).sd()[j];
    return x;
  }

  /**
   * A typical in-control vector (every feature within 1.5 sd of its training mean) with feature
   * {@code j} shifted by {@code sigmas}: "one shifted feature" with nothing else unusual.
   */
  double[] typicalOutlier(int j, double sigmas, double[][] training) {
    Standardisation s = Standardisation.fit(training);
    double[] x;
    do {
      x = next();
    } while (!typical(s.apply(x)));
    x[j] += sigmas * s.sd()[j];
    return x;
  }

  private static boolean typical(double[] z) {
    for (double v : z) {
      if (Math.abs(v) >= 1.5) {
        return false;
      }
    }
    return true;
  }
}
