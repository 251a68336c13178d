package org.pilotline.acquisition.sim;

import java.time.Instant;

/** One value the simulator writes to one node: a tag's number or a unit slot's unit id. */
public sealed interface SimUpdate permits SimUpdate.TagValue, SimUpdate.UnitValue {
  /** The node's id as written in the line config. */
  String nodeId();

  /** The simulated time the value belongs to. */
  Instant sourceTime();

  /** The OPC UA StatusCode the node reports with it, unsigned 32 bits (0 = Good). */
  long statusCode();

  /**
   * A tag's new value.
   *
   * @param key the tag's {@code station/equipment/tag} key
   */
  record TagValue(String key, String nodeId, Instant sourceTime, double value, long statusCode)
      implements SimUpdate {}

  /**
   * A unit slot's new content: {@code unit} arrived, whatever was there left; empty = slot empty.
   */
  record UnitValue(
      String stationId, String equipmentId, String slot, String nodeId, Instant sourceTime, String unit,
      long statusCode) implements SimUpdate {}
}
