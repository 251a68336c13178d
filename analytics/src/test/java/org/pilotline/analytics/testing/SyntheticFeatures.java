package org.pilotline.analytics.testing;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.pilotline.analytics.feature.FeatureVector;

/**
 * Seeded synthetic cell vectors for the ITs: d correlated features (two latent factors plus
 * noise), means and spreads that differ per feature, one cell a minute from {@code start}.
 */
public final class SyntheticFeatures {
  public static final int SCHEMA = 1;
  private final int d;
  private final double[][] mixing;
  private final Random rnd;
  private final Instant start;

  public SyntheticFeatures(int d, long seed, Instant start) {
    this.d = d;
    this.rnd = new Random(seed);
    this.start = start;
    this.mixing = new double[d][2];
    for (int j = 0; j < d; j++) {
      mixing[j][0] = rnd.nextGaussian() * 0.8;
      mixing[j][1] = rnd.nextGaussian() * 0.8;
    }
  }

  public List<String> names() {
    return IntStream.range(0, d).mapToObj(j -> "station" + j + ".f" + j).toList();
  }

  public double mean(int j) {
    return 100 + 10 * j;
  }

  public double sd(int j) {
    return 1 + j;
  }

  /** An in-control vector, in raw units. */
  public double[] inControl() {
    double a = rnd.nextGaussian();
    double b = rnd.nextGaussian();
    double[] x = new double[d];
    for (int j = 0; j < d; j++) {
      double z = mixing[j][0] * a + mixing[j][1] * b + 0.6 * rnd.nextGaussian();
      x[j] = mean(j) + sd(j) * z;
    }
    return x;
  }

  /** The training mean of every feature with one shifted by {@code sigmas} of its spread. */
  public double[] typicalWithShift(int j, double sigmas) {
    double[] x = new double[d];
    for (int k = 0; k < d; k++) {
      x[k] = mean(k);
    }
    x[j] += sigmas * sd(j) * 2;
    return x;
  }

  public FeatureVector cell(int i, double[] values) {
    return new FeatureVector(cellId(i), SCHEMA, start.plusSeconds(60L * i), names(), values);
  }

  public static String cellId(int i) {
    return String.format("C%06d", i);
  }
}
