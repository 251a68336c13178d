package org.pilotline.acquisition.opcua;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Delays between reconnection attempts: doubling from an initial delay up to a cap, each shortened
 * by a random fraction (at most {@code jitter}) so that many clients of one restarted server do not
 * reconnect in lock step. The cap bounds how long after a server's return the client notices it.
 *
 * <p>Not thread-safe: one owner (the client's Vert.x context).
 */
final class ReconnectBackoff {
  private final long initialMs;
  private final long maxMs;
  private final double jitter;
  private final RandomGenerator random;
  private long nextMs;

  ReconnectBackoff(Duration initial, Duration max, double jitter, RandomGenerator random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff: need 0 < initial <= max, got " + initial + ", " + max);
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("backoff: jitter must be in [0, 1), got " + jitter);
    }
    this.initialMs = initial.toMillis();
    this.maxMs = max.toMillis();
    this.jitter = jitter;
    this.random = random;
    this.nextMs = initialMs;
  }

  /** The delay before the next attempt; each call doubles the following one, up to the cap. */
  long nextDelayMs() {
    long base = nextMs;
    nextMs = Math.min(maxMs, nextMs * 2);
    long shortened = Math.round(base * (1.0 - jitter * random.nextDouble()));
    return Math.max(1, shortened);
  }

  /** Starts over at the initial delay, after a success. */
  void reset() {
    nextMs = initialMs;
  }
}
