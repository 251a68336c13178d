package org.pilotline.acquisition.opcua;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.pilotline.acquisition.line.DataGap;

/**
 * Turns one equipment's outages into {@link DataGap}s: remembers the source time of the newest
 * value received, opens a gap at the first sign of an outage (later signs of the same outage are
 * ignored) and closes it with the first value newer than the gap's start.
 *
 * <p>Values no newer than the start do not close the gap: after a re-subscription the server
 * sends every item's current value, and an item that did not change during the outage comes with
 * its old source time, which says nothing about when observation resumed.
 *
 * <p>Thread-safe: outages are signalled from Milo's and Vert.x's threads, values from Milo's
 * delivery thread.
 */
final class GapTracker {
  private final String stationId;
  private final String equipmentId;
  private Instant lastValue;
  private Instant firstSubscribedAt;
  private Instant gapFrom;
  private Instant detectedAt;
  private String reason;

  GapTracker(String stationId, String equipmentId) {
    this.stationId = Objects.requireNonNull(stationId, "stationId");
    this.equipmentId = Objects.requireNonNull(equipmentId, "equipmentId");
  }

  /**
   * A subscription was made at {@code at}: the start of a gap when it is lost before any value
   * arrives.
   */
  synchronized void subscribed(Instant at) {
    if (firstSubscribedAt == null) {
      firstSubscribedAt = at;
    }
  }

  /**
   * An outage was noticed at {@code now}.
   *
   * @return true when this opened a gap, false when one was open already
   */
  synchronized boolean outage(String why, Instant now) {
    if (gapFrom != null) {
      return false;
    }
    // The subscription time is on our clock, source times on the equipment's: it is only a
    // fallback, never compared with them.
    gapFrom = lastValue != null ? lastValue : firstSubscribedAt != null ? firstSubscribedAt : now;
    detectedAt = now;
    reason = why;
    return true;
  }

  /** Whether a gap is open: an outage was noticed and no newer value has arrived since. */
  synchronized boolean open() {
    return gapFrom != null;
  }

  /**
   * Values arrived with these source times (one notification).
   *
   * @return the gap they close, if they close one
   */
  synchronized Optional<DataGap> values(Iterable<Instant> sourceTimes) {
    Instant newest = null;
    Instant firstAfterGap = null;
    for (Instant t : sourceTimes) {
      if (newest == null || t.isAfter(newest)) {
        newest = t;
      }
      if (gapFrom != null && t.isAfter(gapFrom) && (firstAfterGap == null || t.isBefore(firstAfterGap))) {
        firstAfterGap = t;
      }
    }
    if (newest != null && (lastValue == null || newest.isAfter(lastValue))) {
      lastValue = newest;
    }
    if (firstAfterGap == null) {
      return Optional.empty();
    }
    DataGap gap = new DataGap(stationId, equipmentId, gapFrom, firstAfterGap, detectedAt, reason);
    gapFrom = null;
    detectedAt = null;
    reason = null;
    return Optional.of(gap);
  }
}
