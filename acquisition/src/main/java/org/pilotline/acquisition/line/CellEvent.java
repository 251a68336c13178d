package org.pilotline.acquisition.line;

import java.time.Instant;
import java.util.Objects;

/**
 * A current-unit node changed: the unit in a slot left, another arrived, or both. Despite the
 * name (the design's), it covers lots and rolls as well as cells.
 *
 * @param previousUnit the unit that left the slot, or null when the slot was empty or unknown
 * @param unit the unit now in the slot, or null when it is now empty
 * @param at the node's source time of the change
 */
public record CellEvent(
    String stationId,
    String equipmentId,
    String slot,
    UnitKind kind,
    UnitRole role,
    String previousUnit,
    String unit,
    Instant at) {
  public CellEvent {
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(equipmentId, "equipmentId");
    Objects.requireNonNull(slot, "slot");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(at, "at");
  }
}
