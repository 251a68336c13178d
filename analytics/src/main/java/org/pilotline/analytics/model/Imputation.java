package org.pilotline.analytics.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The missing-value policy, learned on the training set and applied unchanged when scoring.
 *
 * <p>A feature is missing (NaN) when its source was: no readings in a window, a station skipped.
 * On the training set:
 * <ul>
 *   <li>a feature missing in more than {@code maxMissingFraction} of the training cells is
 *       dropped: the model is trained and scores without it (imputing it would teach the model
 *       that the value is nearly constant, and a present value would then look anomalous);</li>
 *   <li>every other missing value is imputed with the feature's training mean (its standardised
 *       value becomes 0, so it adds next to nothing to any score or contribution).</li>
 * </ul>
 * Scoring applies the same: dropped features are ignored, missing kept features take the training
 * mean and are named in {@link Prepared#imputed()}, so a verdict can say what it did not see.
 *
 * @param features the kept features, in model order
 * @param fill each kept feature's training mean, aligned with {@code features}
 * @param dropped the features left out, with their training missing fraction
 * @param maxMissingFraction the policy's limit, in [0, 1)
 */
public record Imputation(List<String> features, double[] fill, Map<String, Double> dropped,
    double maxMissingFraction) {
  public Imputation {
    features = List.copyOf(features);
    fill = fill.clone();
    dropped = Map.copyOf(dropped);
    if (features.isEmpty()) {
      throw new IllegalArgumentException("no feature left to model");
    }
    if (features.size() != fill.length) {
      throw new IllegalArgumentException(features.size() + " features but " + fill.length
          + " fill values");
    }
    for (double v : fill) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("fill values must be finite");
      }
    }
    if (!(maxMissingFraction >= 0 && maxMissingFraction < 1)) {
      throw new IllegalArgumentException("maxMissingFraction must be in [0, 1): "
          + maxMissingFraction);
    }
  }

  /**
   * Learns the policy on training rows, which may hold NaN.
   *
   * @param names the features, in row order
   * @param rows training rows, each {@code names.size()} wide
   * @throws IllegalArgumentException when no row is given or every feature would be dropped
   */
  public static Imputation fit(List<String> names, double[][] rows, double maxMissingFraction) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("no training rows");
    }
    int d = names.size();
    double[] sum = new double[d];
    int[] present = new int[d];
    for (double[] row : rows) {
      if (row.length != d) {
        throw new IllegalArgumentException("expected " + d + " features, got " + row.length);
      }
      for (int j = 0; j < d; j++) {
        if (Double.isFinite(row[j])) {
          sum[j] += row[j];
          present[j]++;
        }
      }
    }
    List<String> kept = new ArrayList<>();
    List<Double> fill = new ArrayList<>();
    Map<String, Double> dropped = new HashMap<>();
    for (int j = 0; j < d; j++) {
      double missing = 1.0 - (double) present[j] / rows.length;
      if (present[j] == 0 || missing > maxMissingFraction) {
        dropped.put(names.get(j), missing);
      } else {
        kept.add(names.get(j));
        fill.add(sum[j] / present[j]);
      }
    }
    if (kept.isEmpty()) {
      throw new IllegalArgumentException("every feature is missing in more than "
          + maxMissingFraction + " of the " + rows.length + " training cells: " + dropped);
    }
    return new Imputation(kept, fill.stream().mapToDouble(Double::doubleValue).toArray(), dropped,
        maxMissingFraction);
  }

  /**
   * One vector made ready for the model: kept features in model order, missing ones imputed.
   *
   * @param values the model's input
   * @param imputed the kept features that were missing (NaN or absent) and took the training mean
   */
  public record Prepared(double[] values, List<String> imputed) {
    public Prepared {
      values = values.clone();
      imputed = List.copyOf(imputed);
    }

    @Override
    public double[] values() {
      return values.clone();
    }
  }

  /**
   * Applies the policy to a vector given by name; a kept feature absent from {@code names} (a
   * schema that lost it) counts as missing.
   */
  public Prepared apply(List<String> names, double[] values) {
    if (names.size() != values.length) {
      throw new IllegalArgumentException(names.size() + " names but " + values.length + " values");
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
    double[] out = new double[features.size()];
    List<String> imputed = new ArrayList<>();
    for (int j = 0; j < features.size(); j++) {
      Integer i = index.get(features.get(j));
      double v = i == null ? Double.NaN : values[i];
      if (Double.isFinite(v)) {
        out[j] = v;
      } else {
        out[j] = fill[j];
        imputed.add(features.get(j));
      }
    }
    return new Prepared(out, imputed);
  }

  /** Applies the policy to many rows of one layout. */
  public double[][] apply(List<String> names, double[][] rows) {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = apply(names, rows[i]).values;
    }
    return out;
  }

  @Override
  public double[] fill() {
    return fill.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Imputation m && features.equals(m.features) && Arrays.equals(fill, m.fill)
        && dropped.equals(m.dropped) && maxMissingFraction == m.maxMissingFraction;
  }

  @Override
  public int hashCode() {
    return Objects.hash(features, Arrays.hashCode(fill), dropped, maxMissingFraction);
  }

  @Override
  public String toString() {
    return "Imputation[features=" + features + ", dropped=" + dropped.keySet() + "]";
  }
}
