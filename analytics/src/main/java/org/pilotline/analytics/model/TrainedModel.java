package org.pilotline.analytics.model;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a trained model is, for the registry and for reports (the fitted Smile object lives in the
 * {@link AnomalyModel} that carries this).
 *
 * @param kind the model kind
 * @param parameters every training parameter by name (sorted), including the seed
 * @param featureNames the features, in vector order
 * @param standardisation the training set's centring and scaling
 * @param threshold the score threshold
 * @param targetFalseAlarmRate the false-alarm rate the threshold was calibrated to
 * @param trainingFalseAlarmRate the fraction of training vectors scoring above the threshold
 * @param trainingRows how many vectors the model was trained on
 */
public record TrainedModel(ModelKind kind, Map<String, Double> parameters, List<String> featureNames,
    Standardisation standardisation, double threshold, double targetFalseAlarmRate,
    double trainingFalseAlarmRate, int trainingRows) {
  public TrainedModel {
    if (kind == null || standardisation == null) {
      throw new IllegalArgumentException("kind and standardisation are required");
    }
    parameters = java.util.Collections.unmodifiableMap(new TreeMap<>(parameters));
    featureNames = List.copyOf(featureNames);
    if (featureNames.size() != standardisation.dimension()) {
      throw new IllegalArgumentException("feature names (" + featureNames.size()
          + ") and standardisation (" + standardisation.dimension() + ") disagree");
    }
    if (!(targetFalseAlarmRate > 0 && targetFalseAlarmRate < 1)) {
      throw new IllegalArgumentException("target false-alarm rate must be in (0, 1): "
          + targetFalseAlarmRate);
    }
  }
}
