package org.pilotline.acquisition.sim;

import java.time.Instant;

/**
 * Told about every value the simulator writes to one of its nodes, on the simulator's driver
 * thread: keep it quick. Tests use it to check that what acquisition stored was really written.
 */
@FunctionalInterface
public interface WriteListener {
  WriteListener NONE = (nodeIdText, sourceTime, value, statusCode) -> { };

  /** A tag node took {@code value} with this source time and StatusCode (unsigned 32 bits). */
  void onWrite(String nodeIdText, Instant sourceTime, double value, long statusCode);

  /** A unit node took {@code unit} (empty = slot empty). */
  default void onUnitWrite(String nodeIdText, Instant sourceTime, String unit, long statusCode) {
  }
}
