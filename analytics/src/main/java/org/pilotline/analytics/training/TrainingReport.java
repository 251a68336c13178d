package org.pilotline.analytics.training;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.pilotline.analytics.registry.ModelVersion;

/**
 * What a training run did.
 *
 * @param schemaVersion the feature schema trained on
 * @param from the window's start, inclusive
 * @param to the window's end, exclusive
 * @param windowCells cells with a feature vector in the window
 * @param excluded cells left out, by cell id, with the reason ("knownBad" or "flagged")
 * @param trainingCells cells the models were trained on
 * @param droppedFeatures features left out for missing too often, with their missing fraction
 * @param versions the stored (and, when asked, activated) versions
 * @param millis how long it took
 */
public record TrainingReport(int schemaVersion, Instant from, Instant to, int windowCells,
    Map<String, String> excluded, int trainingCells, Map<String, Double> droppedFeatures,
    List<ModelVersion> versions, long millis) {
  public TrainingReport {
    excluded = Map.copyOf(excluded);
    droppedFeatures = Map.copyOf(droppedFeatures);
    versions = List.copyOf(versions);
  }
}
