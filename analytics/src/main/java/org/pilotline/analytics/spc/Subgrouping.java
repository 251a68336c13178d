package org.pilotline.analytics.spc;

import java.time.Duration;

/**
 * What one point on a tag's chart is: each value, the mean of a fixed number of consecutive
 * values, or the mean of the values whose source times fall in one time bucket. Grouping keeps a
 * fast tag (10 Hz) from charting, and alarming on, every sample; it also averages away the
 * sample-to-sample noise the rules would otherwise react to.
 */
public sealed interface Subgrouping {
  /** Every value is a point. */
  record Individual() implements Subgrouping {}

  /**
   * The mean of {@code size} consecutive values is a point.
   *
   * @param size at least 2
   */
  record MeanOf(int size) implements Subgrouping {
    public MeanOf {
      if (size < 2) {
        throw new IllegalArgumentException("subgroup size must be >= 2: " + size);
      }
    }
  }

  /**
   * The mean of the values in one bucket of {@code width}, aligned to the epoch, is a point. A
   * bucket closes when the first value of a later bucket arrives; buckets without values are not
   * points.
   *
   * @param width positive, whole milliseconds
   */
  record TimeBucket(Duration width) implements Subgrouping {
    public TimeBucket {
      if (width == null || width.toMillis() < 1) {
        throw new IllegalArgumentException("bucket width must be at least 1 ms: " + width);
      }
    }
  }
}
