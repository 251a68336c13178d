package org.pilotline.acquisition.soak;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.pilotline.acquisition.sim.WriteListener;

/**
 * The simulator's side of the count: every value it writes to a tag node with a source time at
 * or after {@link #countFrom(Instant)}, in total and per node.
 *
 * <p>What counts as published: one write of a new value to a node, with its own source time.
 * The simulator's synthetic tags take a new (continuous, random) value at every point of their
 * grid, so every write is a change an OPC UA subscriber is told of, and (node, source time) is
 * unique. Writes before the start instant are not counted: they happened before acquisition
 * subscribed, and a subscription starts with the node's current value only.
 */
public final class PublishCounter implements WriteListener {
  private final Map<String, LongAdder> perNode = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();
  private volatile Instant from = Instant.MAX;

  /** Counts the writes whose source time is at or after {@code start} (set once, before it). */
  public void countFrom(Instant start) {
    this.from = Objects.requireNonNull(start, "start");
  }

  /** The first source time counted, or {@link Instant#MAX} before {@link #countFrom(Instant)}. */
  public Instant from() {
    return from;
  }

  @Override
  public void onWrite(String nodeIdText, Instant sourceTime, double value, long statusCode) {
    if (!sourceTime.isBefore(from)) {
      perNode.computeIfAbsent(nodeIdText, k -> new LongAdder()).increment();
      total.increment();
    }
  }

  public long total() {
    return total.sum();
  }

  /** Writes counted for the node so far (0 for a node never written). */
  public long count(String nodeIdText) {
    LongAdder a = perNode.get(nodeIdText);
    return a == null ? 0 : a.sum();
  }
}
