package org.pilotline.analytics.model;

/** A trained anomaly model that scores feature vectors and explains each score per feature. */
public sealed interface AnomalyModel permits IsolationForestModel, PcaModel {
  /** What the model is: kind, parameters, features, standardisation, threshold. */
  TrainedModel trained();

  /**
   * Scores one raw (unstandardised) feature vector in {@link TrainedModel#featureNames()} order.
   *
   * @throws IllegalArgumentException for a vector of the wrong length or with a non-finite value
   */
  AnomalyScore score(double[] features);
}
