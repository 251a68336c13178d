package org.pilotline.acquisition.opcua.discovery;

import java.util.List;
import java.util.Objects;

/**
 * A Variable found while browsing, with what the draft needs to know about it.
 *
 * @param path the Objects (and parent Variables) between the start node and this variable,
 *     outermost first; empty when the variable hangs directly below the start node
 * @param browseName the browse name's text
 * @param nodeId the NodeId in text form, {@code nsu=<namespace uri>;...} unless it is in namespace 0
 * @param dataType the data type's name ({@code Double}, {@code String}, a vendor type's browse name)
 * @param valueClass what the value is: a number acquisition stores, text, or something else
 * @param scalar false when the ValueRank says the value is always an array or matrix (1 or more);
 *     Scalar, Any and ScalarOrOneDimension count as scalar
 * @param readable whether the AccessLevel attribute has CurrentRead
 * @param unit the EngineeringUnits property's display name, or null when the variable has none
 */
public record DiscoveredVariable(
    List<PathElement> path,
    String browseName,
    String nodeId,
    String dataType,
    ValueClass valueClass,
    boolean scalar,
    boolean readable,
    String unit) {

  /** What a variable's data type says about its values. */
  public enum ValueClass {
    /** Integer, floating-point, Decimal and enumeration types: acquisition stores them as doubles. */
    NUMERIC,
    /** String and its subtypes: unit ids live here. */
    TEXT,
    /** Boolean, DateTime, ByteString, structures ...: not a tag in a draft. */
    OTHER
  }

  public DiscoveredVariable {
    path = List.copyOf(path);
    Objects.requireNonNull(browseName, "browseName");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(dataType, "dataType");
    Objects.requireNonNull(valueClass, "valueClass");
  }

  public DiscoveredVariable withUnit(String newUnit) {
    return new DiscoveredVariable(path, browseName, nodeId, dataType, valueClass, scalar, readable, newUnit);
  }
}
