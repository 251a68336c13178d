package org.pilotline.analytics.model;

import java.util.Arrays;
import java.util.List;

/** Shared checks and the threshold calibration. */
final class Models {
  private Models() {}

  static int width(double[][] x) {
    if (x.length < 2) {
      throw new IllegalArgumentException("training needs at least 2 rows, got " + x.length);
    }
    int d = x[0].length;
    for (double[] row : x) {
      if (row.length != d) {
        throw new IllegalArgumentException("rows of different widths: " + d + " and " + row.length);
      }
      for (double v : row) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("training data holds a non-finite value: " + v);
        }
      }
    }
    if (d == 0) {
      throw new IllegalArgumentException("training data has no features");
    }
    return d;
  }

  static void checkNames(List<String> names, int d) {
    if (names.size() != d) {
      throw new IllegalArgumentException(d + " features but " + names.size() + " names");
    }
  }

  static void checkRate(double falseAlarmRate) {
    if (!(falseAlarmRate > 0 && falseAlarmRate < 1)) {
      throw new IllegalArgumentException("false-alarm rate must be in (0, 1): " + falseAlarmRate);
    }
  }

  static void checkVector(double[] x, int d) {
    if (x.length != d) {
      throw new IllegalArgumentException("expected " + d + " features, got " + x.length);
    }
    for (double v : x) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("feature vector holds a non-finite value: " + v);
      }
    }
  }

  /**
   * The empirical (1 − rate) quantile of the training scores: the smallest training score t with at
   * most ⌊rate·n⌋ scores strictly above it (ties aside, exactly that many), so that "score &gt; t"
   * flags the target fraction of the training set.
   */
  static double quantileThreshold(double[] scores, double rate) {
    double[] s = scores.clone();
    Arrays.sort(s);
    int above = (int) Math.floor(rate * s.length);
    return s[s.length - 1 - above];
  }

  static double fractionAbove(double[] scores, double threshold) {
    int n = 0;
    for (double v : scores) {
      if (v > threshold) {
        n++;
      }
    }
    return (double) n / scores.length;
  }
}
