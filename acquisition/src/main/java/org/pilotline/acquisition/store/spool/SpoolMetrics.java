package org.pilotline.acquisition.store.spool;

/**
 * A snapshot of a spool's fill and counters.
 *
 * @param bytesUsed bytes on disk in segment files
 * @param capBytes the configured cap
 * @param recordsPending batches appended and not yet committed (nor dropped)
 * @param readingsPending readings in those batches
 * @param oldestPendingAgeMs how long ago the oldest pending batch was appended; 0 when none
 * @param recordsDropped batches lost to dropOldest since open
 * @param readingsDropped readings lost to dropOldest since open
 * @param appendsRefused appends refused by stopAcquiring since open
 * @param full true while the cap is reached (the alarm)
 * @param recoveredTruncatedBytes bytes cut off torn or corrupt tails at open
 */
public record SpoolMetrics(
    long bytesUsed,
    long capBytes,
    long recordsPending,
    long readingsPending,
    long oldestPendingAgeMs,
    long recordsDropped,
    long readingsDropped,
    long appendsRefused,
    boolean full,
    long recoveredTruncatedBytes) {
  /** The fill level in percent of the cap. */
  public double fillPercent() {
    return capBytes == 0 ? 0 : 100.0 * bytesUsed / capBytes;
  }
}
