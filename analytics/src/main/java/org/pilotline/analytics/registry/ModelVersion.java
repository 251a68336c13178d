package org.pilotline.analytics.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.pilotline.analytics.model.ModelKind;

/**
 * One row of the model registry, without the model itself.
 *
 * @param id the row id
 * @param kind the model kind
 * @param version 1, 2, ... per kind
 * @param featureSchemaVersion the feature schema the model was trained on and scores
 * @param parameters every training parameter (the model's, plus the missing-value limit)
 * @param trainFrom start of the training window (inclusive); null when not from a window
 * @param trainTo end of the training window (exclusive); null when not from a window
 * @param trainingCells how many cells the model was trained on
 * @param threshold the calibrated score threshold
 * @param metrics what training measured (false-alarm rates, exclusions, dropped features, time)
 * @param active whether this is the version that scores
 * @param createdAt when it was stored
 */
public record ModelVersion(long id, ModelKind kind, int version, int featureSchemaVersion,
    Map<String, Object> parameters, Instant trainFrom, Instant trainTo, int trainingCells,
    double threshold, Map<String, Object> metrics, boolean active, Instant createdAt) {
  public ModelVersion {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(createdAt, "createdAt");
    parameters = java.util.Collections.unmodifiableMap(new TreeMap<>(parameters));
    metrics = java.util.Collections.unmodifiableMap(new TreeMap<>(metrics));
    if (version < 1) {
      throw new IllegalArgumentException("version must be positive: " + version);
    }
  }
}
