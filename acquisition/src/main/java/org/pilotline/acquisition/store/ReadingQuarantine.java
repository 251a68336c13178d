package org.pilotline.acquisition.store;

import java.time.Instant;
import java.util.List;

/** Where the readings the database refused are kept, for operators to see. Blocking. */
public interface ReadingQuarantine {
  /**
   * Totals over the whole quarantine.
   *
   * @param batches quarantine events
   * @param readings readings in the quarantine
   * @param lastQuarantinedAt the newest event's time, or null when the quarantine is empty
   */
  record Totals(long batches, long readings, Instant lastQuarantinedAt) {}

  /** The newest {@code limit} quarantine events, newest first. */
  List<QuarantineBatch> recent(int limit) throws Exception;

  /** The readings of one quarantine event, in the order they were offered; empty when unknown. */
  List<QuarantinedReading> readings(long batchId, int limit) throws Exception;

  Totals totals() throws Exception;
}
