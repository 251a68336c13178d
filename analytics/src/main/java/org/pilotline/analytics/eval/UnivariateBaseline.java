package org.pilotline.analytics.eval;

import java.util.List;
import org.pilotline.analytics.model.Standardisation;

/**
 * The univariate 3σ baseline the models are compared with: each feature is standardised with its
 * training mean and standard deviation, a cell's score is its largest |z|, it is flagged when that
 * exceeds 3, and its root cause is the feature with that largest |z|. This is what a table of
 * per-parameter Shewhart limits would say about a cell, without any model.
 */
public final class UnivariateBaseline {
  /** The Shewhart limit, in training standard deviations. */
  public static final double LIMIT = 3.0;

  private final List<String> featureNames;
  private final Standardisation standardisation;

  private UnivariateBaseline(List<String> featureNames, Standardisation standardisation) {
    this.featureNames = featureNames;
    this.standardisation = standardisation;
  }

  /** Learns each feature's mean and standard deviation on the training rows (finite values). */
  public static UnivariateBaseline fit(double[][] training, List<String> featureNames) {
    Standardisation s = Standardisation.fit(training);
    if (featureNames.size() != s.dimension()) {
      throw new IllegalArgumentException(s.dimension() + " features but " + featureNames.size() + " names");
    }
    return new UnivariateBaseline(List.copyOf(featureNames), s);
  }

  /** One cell's baseline verdict. */
  public record Verdict(double maxAbsZ, String topFeature, boolean flagged) {}

  public Verdict score(double[] features) {
    double[] z = standardisation.apply(features);
    int top = 0;
    for (int j = 1; j < z.length; j++) {
      if (Math.abs(z[j]) > Math.abs(z[top])) {
        top = j;
      }
    }
    double max = Math.abs(z[top]);
    return new Verdict(max, featureNames.get(top), max > LIMIT);
  }
}
