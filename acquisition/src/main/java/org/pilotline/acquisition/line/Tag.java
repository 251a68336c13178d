package org.pilotline.acquisition.line;

import java.util.Objects;

/**
 * A process variable on an equipment's OPC UA server.
 *
 * @param name unique within its equipment, lowerCamel
 * @param nodeId an OPC UA NodeId or ExpandedNodeId in text form ({@code ns=2;s=Coater/WebSpeed} or
 *     {@code nsu=urn:...;s=Coater/WebSpeed})
 * @param unit engineering unit, free text ("°C", "mg/cm²")
 * @param samplingMs requested sampling interval in milliseconds
 * @param queueSize monitored-item queue size on the server
 * @param deadband absolute deadband in the tag's unit; 0 reports every change
 * @param spec specification limits and target
 * @param slot the unit slot (see {@link UnitNode#name()}) whose unit this tag measures, or null
 *     when the tag measures whatever the equipment's process unit is
 */
public record Tag(
    String name,
    String nodeId,
    String unit,
    double samplingMs,
    int queueSize,
    double deadband,
    SpecLimits spec,
    String slot) {
  public Tag {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(spec, "spec");
  }

  public Tag withNodeId(String newNodeId) {
    return new Tag(name, newNodeId, unit, samplingMs, queueSize, deadband, spec, slot);
  }
}
