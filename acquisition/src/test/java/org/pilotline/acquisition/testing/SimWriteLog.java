package org.pilotline.acquisition.testing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.pilotline.acquisition.sim.WriteListener;

/**
 * Everything the simulator wrote, by node and source time (to the microsecond PostgreSQL keeps),
 * so that a test can check a stored reading was really written and not invented or altered.
 */
public final class SimWriteLog implements WriteListener {
  /** One write to a unit node. */
  public record UnitWrite(String nodeId, Instant at, String unit) {}

  /**
   * The last time a node's value or status changed: a server reports changes, not rewrites of the
   * same value, so this is the source time a subscriber last heard.
   */
  public record Change(Object value, long statusCode, Instant sourceTime, Instant wallTime) {}

  private final Map<String, Map<Instant, Double>> values = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastWrite = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastSourceTime = new ConcurrentHashMap<>();
  private final Map<String, Change> lastChange = new ConcurrentHashMap<>();
  private final List<UnitWrite> unitWrites = new CopyOnWriteArrayList<>();
  private final LongAdder count = new LongAdder();

  @Override
  public void onWrite(String nodeIdText, Instant sourceTime, double value, long statusCode) {
    values.computeIfAbsent(nodeIdText, k -> new ConcurrentHashMap<>())
        .put(sourceTime.truncatedTo(ChronoUnit.MICROS), value);
    lastWrite.put(nodeIdText, Instant.now());
    lastSourceTime.put(nodeIdText, sourceTime);
    noteChange(nodeIdText, value, statusCode, sourceTime);
    count.increment();
  }

  @Override
  public void onUnitWrite(String nodeIdText, Instant sourceTime, String unit, long statusCode) {
    unitWrites.add(new UnitWrite(nodeIdText, sourceTime, unit));
    lastWrite.put(nodeIdText, Instant.now());
    lastSourceTime.put(nodeIdText, sourceTime);
    noteChange(nodeIdText, unit, statusCode, sourceTime);
  }

  private void noteChange(String nodeIdText, Object value, long statusCode, Instant sourceTime) {
    lastChange.compute(nodeIdText, (k, old) -> old != null && old.value().equals(value) && old.statusCode() == statusCode
        ? old : new Change(value, statusCode, sourceTime, Instant.now()));
  }

  /** The node's last change of value or status, if it was ever written. */
  public Optional<Change> lastChange(String nodeIdText) {
    return Optional.ofNullable(lastChange.get(nodeIdText));
  }

  /** The value written to the node at that source time, if one was. */
  public Optional<Double> valueAt(String nodeIdText, Instant sourceTime) {
    Map<Instant, Double> m = values.get(nodeIdText);
    return m == null ? Optional.empty() : Optional.ofNullable(m.get(sourceTime.truncatedTo(ChronoUnit.MICROS)));
  }

  /** Wall-clock time of the node's last write (tag or unit), if any. */
  public Optional<Instant> lastWrittenAt(String nodeIdText) {
    return Optional.ofNullable(lastWrite.get(nodeIdText));
  }

  /** Source time of the node's last write, if any. */
  public Optional<Instant> lastSourceTime(String nodeIdText) {
    return Optional.ofNullable(lastSourceTime.get(nodeIdText));
  }

  public List<UnitWrite> unitWrites() {
    return List.copyOf(unitWrites);
  }

  public long count() {
    return count.sum();
  }
}
