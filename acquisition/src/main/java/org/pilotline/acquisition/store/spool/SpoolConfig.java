package org.pilotline.acquisition.store.spool;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a {@link ReadingSpool} ({@code spool} in application.yaml).
 *
 * @param dir where the segment files and the checkpoint live; one writer per directory
 * @param segmentBytes a segment is closed and a new one begun past this size
 * @param fsyncIntervalMs appends are forced to disk at most this long after they are written
 *     (group commit); 0 forces every append
 * @param capBytes the most the spool may hold on disk; at least two segments
 * @param fullPolicy what happens at the cap
 */
public record SpoolConfig(
    Path dir, long segmentBytes, long fsyncIntervalMs, long capBytes, FullPolicy fullPolicy) {
  /** What a full spool does with the next append. */
  public enum FullPolicy {
    /** Delete the oldest uncommitted segment, count its readings as dropped, raise the alarm. */
    DROP_OLDEST,
    /** Refuse the append (the readings are dropped at the door), raise the alarm. */
    STOP_ACQUIRING
  }

  public SpoolConfig {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(fullPolicy, "fullPolicy");
    if (segmentBytes < 4096) {
      throw new IllegalArgumentException("segmentBytes must be >= 4096: " + segmentBytes);
    }
    if (fsyncIntervalMs < 0) {
      throw new IllegalArgumentException("fsyncIntervalMs must be >= 0: " + fsyncIntervalMs);
    }
    // dropOldest must always find a closed segment to delete while one is being written
    if (capBytes < 2 * segmentBytes) {
      throw new IllegalArgumentException(
          "capBytes must be at least 2 * segmentBytes: " + capBytes + " < 2 * " + segmentBytes);
    }
  }
}
