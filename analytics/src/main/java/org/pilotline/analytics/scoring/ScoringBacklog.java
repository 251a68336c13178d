package org.pilotline.analytics.scoring;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the scorer asks of the stored cells beyond one cell's vector: how many are waiting for a
 * first model, which have no verdict yet, and which stations a cell went through. Blocking.
 */
public interface ScoringBacklog {
  /** Cells with a stored feature vector of this schema version. */
  int cellsWithFeatures(int schemaVersion);

  /**
   * When the newest stored cell of this schema version completed (its timestamps are the
   * equipment's, which may run ahead of this machine's clock); empty when none is stored.
   */
  Optional<Instant> newestCompletion(int schemaVersion);

  /** Cells with a stored vector of this schema version and no verdict, oldest first. */
  List<String> unscored(int schemaVersion);

  /** The stations of the cell's own process windows in the order it visited them; empty if none. */
  List<String> stations(String cellId);
}
