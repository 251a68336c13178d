package org.pilotline.analytics.model;

import java.util.List;

/**
 * A model's verdict on one feature vector.
 *
 * @param score the anomaly score; higher is more anomalous
 * @param threshold the calibrated threshold
 * @param flagged score &gt; threshold
 * @param contributions per-feature contributions to the score, largest first (see the model for
 *     their meaning)
 * @param statistics the underlying statistics with their own contributions (PCA: T² and SPE);
 *     empty for a model with a single statistic
 */
public record AnomalyScore(double score, double threshold, boolean flagged,
    List<Contribution> contributions, List<StatisticScore> statistics) {
  public AnomalyScore {
    if (Double.isNaN(score) || Double.isNaN(threshold)) {
      throw new IllegalArgumentException("score and threshold must be numbers");
    }
    if (flagged != (score > threshold)) {
      throw new IllegalArgumentException("flagged must be score > threshold");
    }
    contributions = StatisticScore.sorted(contributions);
    statistics = List.copyOf(statistics);
  }

  /** The top contributing feature. */
  public String topFeature() {
    return contributions.get(0).feature();
  }
}
