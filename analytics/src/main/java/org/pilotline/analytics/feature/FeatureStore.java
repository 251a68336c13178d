package org.pilotline.analytics.feature;

import java.time.Instant;
import java.util.List;

/** Where feature vectors are kept ({@code cell_feature}). Blocking. */
public interface FeatureStore {
  /** Saves a vector; saving the same cell and schema version again replaces it. */
  void save(FeatureVector vector);

  /** The vectors of one schema version whose cells completed in [from, to), oldest first. */
  List<FeatureVector> between(int schemaVersion, Instant from, Instant to);
}
