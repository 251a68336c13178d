package org.pilotline.analytics.feature;

import java.util.Optional;

/** Builds a finished cell's feature vector from what the database holds. Blocking. */
public interface CellFeatureSource {
  /** The current feature-schema version. */
  int schemaVersion();

  /** The feature names of the current schema, in vector order. */
  java.util.List<String> featureNames();

  /**
   * Builds the vector of a cell whose EOL window has closed.
   *
   * @return empty when the cell is unknown or has not finished
   */
  Optional<FeatureVector> build(String cellId);
}
