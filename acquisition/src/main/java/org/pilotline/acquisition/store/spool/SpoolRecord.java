package org.pilotline.acquisition.store.spool;

import java.time.Instant;
import java.util.List;
import org.pilotline.acquisition.line.Reading;

/**
 * One appended batch as read back from the spool.
 *
 * @param seq its sequence number: 1, 2, 3... in append order, never reused in one spool
 * @param appendedAt when it was appended
 */
public record SpoolRecord(long seq, Instant appendedAt, List<Reading> readings) {
  public SpoolRecord {
    readings = List.copyOf(readings);
  }
}
