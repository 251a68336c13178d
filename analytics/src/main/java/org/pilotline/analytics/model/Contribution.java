package org.pilotline.analytics.model;

/**
 * One feature's share of a score; what the share means depends on the statistic (see the model).
 *
 * @param feature the feature name
 * @param value its contribution; larger means more to blame
 */
public record Contribution(String feature, double value) {
  public Contribution {
    if (feature == null || feature.isBlank()) {
      throw new IllegalArgumentException("feature name is required");
    }
  }
}
