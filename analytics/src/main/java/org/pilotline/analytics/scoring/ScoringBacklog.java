package org.pilotline.analytics.scoring;

import java.util.List;

/**
 * What the scorer asks of the stored cells beyond one cell's vector: how many are waiting for a
 * first model, which have no verdict yet, and which stations a cell went through. Blocking.
 */
public interface ScoringBacklog {
  /** Cells with a stored feature vector of this schema version. */
  int cellsWithFeatures(int schemaVersion);

  /** Cells with a stored vector of this schema version and no verdict, oldest first. */
  List<String> unscored(int schemaVersion);

  /** The stations of the cell's own process windows in the order it visited them; empty if none. */
  List<String> stations(String cellId);
}
