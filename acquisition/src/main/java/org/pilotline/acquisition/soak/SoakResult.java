package org.pilotline.acquisition.soak;

import java.util.List;

/**
 * What a soak measured.
 *
 * @param produced values the simulator published in the counted window (see {@link PublishCounter})
 * @param delivered values the OPC UA clients received over the whole run (including each node's
 *     value at subscription, before the window)
 * @param stored rows in the database with a source time in the window
 * @param lost published (tag, source time) pairs with no row
 * @param duplicated rows beyond the first for one (tag, source time)
 * @param unexpected (tag, source time) pairs stored but never published
 * @param writerDropped readings the writer or the spool dropped (spool cap)
 * @param rejected readings the writer refused (out of PostgreSQL's range)
 * @param productionSeconds how long the simulator produced in the window
 * @param offeredPerSecond the rate the synthetic line was built for
 * @param drainMs from the end of production until everything was committed
 * @param outages one entry per database outage, in order
 * @param maxHeapUsedBytes highest heap use seen (sampled every 50 ms)
 * @param maxHeapAfterGcBytes highest heap use right after a collection (the live set)
 * @param maxSpoolBytes highest spool size on disk
 * @param maxDatabaseBytes largest database data directory seen (embedded database only; -1 otherwise)
 * @param maxDiskBytes largest spool + database size seen at one time (the spool sampled every
 *     50 ms, the database folder at each progress line and at the end)
 */
public record SoakResult(
    long produced,
    long delivered,
    long stored,
    long lost,
    long duplicated,
    long unexpected,
    long writerDropped,
    long rejected,
    double productionSeconds,
    double offeredPerSecond,
    long drainMs,
    List<Outage> outages,
    long maxHeapUsedBytes,
    long maxHeapAfterGcBytes,
    long maxSpoolBytes,
    long maxDatabaseBytes,
    long maxDiskBytes) {

  public SoakResult {
    outages = List.copyOf(outages);
  }

  /**
   * One database outage.
   *
   * @param startSecond when the stop began, seconds into the window
   * @param refusedConnections a connection attempt right after the stop failed (the server was down)
   * @param downMs from the stop command until the restarted server accepted connections
   * @param firstCommitMs from the restart until the writer's first commit
   * @param recoveryMs from the restart until the backlog was written (nothing older than 1 s left
   *     in the spool); -1 if the next outage began first (outages keep to their schedule) or the
   *     run ended first
   * @param peakPendingReadings the most readings the spool held during the outage and recovery
   * @param peakSpoolBytes the largest the spool was on disk meanwhile
   */
  public record Outage(double startSecond, boolean refusedConnections, long downMs, long firstCommitMs, long recoveryMs,
      long peakPendingReadings, long peakSpoolBytes) {}

  /** Nothing lost, nothing duplicated, nothing invented, nothing dropped. */
  public boolean passed() {
    return lost == 0 && duplicated == 0 && unexpected == 0 && writerDropped == 0;
  }

  /** Readings produced per second in the window. */
  public double achievedPerSecond() {
    return productionSeconds > 0 ? produced / productionSeconds : 0;
  }
}
