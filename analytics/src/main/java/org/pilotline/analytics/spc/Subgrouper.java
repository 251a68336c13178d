package org.pilotline.analytics.spc;

import java.time.Instant;

/**
 * Turns a tag's values into charted points as its {@link Subgrouping} says. Not thread-safe.
 */
final class Subgrouper {
  /** One charted point: the mean of {@code n} values, the last of which had source time {@code time}. */
  record Point(Instant time, double mean, int n) {}

  private final Subgrouping grouping;
  private final long bucketMs;
  private long bucket = Long.MIN_VALUE;
  private double sum;
  private int n;
  private Instant last;
  private long late;

  Subgrouper(Subgrouping grouping) {
    this.grouping = grouping;
    this.bucketMs = grouping instanceof Subgrouping.TimeBucket b ? b.width().toMillis() : 0;
  }

  /** Adds a finite value; returns the point it completes, or null. */
  Point accept(Instant time, double value) {
    if (grouping instanceof Subgrouping.MeanOf m) {
      add(time, value);
      return n == m.size() ? close() : null;
    }
    if (bucketMs > 0) {
      long at = Math.floorDiv(time.toEpochMilli(), bucketMs);
      if (at < bucket) {
        // Its bucket is closed and charted already: a replayed or reordered reading.
        late++;
        return null;
      }
      Point closed = at > bucket && n > 0 ? close() : null;
      bucket = at;
      add(time, value);
      return closed;
    }
    return new Point(time, value, 1);
  }

  /** The open subgroup as a point (a stored history ends here), or null if it is empty. */
  Point flush() {
    return n > 0 ? close() : null;
  }

  /** Values refused because their time bucket had already closed. */
  long late() {
    return late;
  }

  private void add(Instant time, double value) {
    sum += value;
    n++;
    last = time;
  }

  private Point close() {
    Point p = new Point(last, sum / n, n);
    sum = 0;
    n = 0;
    return p;
  }
}
