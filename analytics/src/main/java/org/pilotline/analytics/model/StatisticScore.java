package org.pilotline.analytics.model;

import java.util.Comparator;
import java.util.List;

/**
 * One monitoring statistic of a scored vector (for PCA: "T2" and "SPE").
 *
 * @param name the statistic's name
 * @param value its value
 * @param limit its limit, calibrated on the training set to the model's false-alarm rate
 * @param contributions per-feature contributions, largest first; they add up to {@code value}
 */
public record StatisticScore(String name, double value, double limit, List<Contribution> contributions) {
  public StatisticScore {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("statistic name is required");
    }
    contributions = sorted(contributions);
  }

  static List<Contribution> sorted(List<Contribution> contributions) {
    return contributions.stream()
        .sorted(Comparator.comparingDouble(Contribution::value).reversed())
        .toList();
  }
}
