package org.pilotline.acquisition.line;

import java.util.Objects;

/**
 * A node whose String value is the id of the unit an equipment holds: a material lot, a roll or
 * a cell. An empty value means the slot is empty.
 *
 * @param name the slot's name, unique within its equipment ("current", "channel3", "inputRoll")
 * @param role {@link UnitRole#PROCESS} for the unit being processed, {@link UnitRole#INPUT} for
 *     material consumed into it, which becomes its genealogy parent
 */
public record UnitNode(String name, String nodeId, UnitKind kind, UnitRole role) {
  public UnitNode {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(role, "role");
  }

  public UnitNode withNodeId(String newNodeId) {
    return new UnitNode(name, newNodeId, kind, role);
  }
}
