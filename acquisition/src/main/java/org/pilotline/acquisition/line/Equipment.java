package org.pilotline.acquisition.line;

import java.util.List;
import java.util.Objects;

/**
 * A machine with its own OPC UA endpoint: a PLC, a coater's controller, a formation cycler.
 *
 * @param endpointUrl {@code opc.tcp://host:port/path}
 * @param publishingIntervalMs the subscription's publishing interval
 * @param tags the process variables acquired from it
 * @param units the nodes that say which lot, roll or cell the equipment holds
 */
public record Equipment(
    String id,
    String endpointUrl,
    EndpointSecurity security,
    double publishingIntervalMs,
    List<Tag> tags,
    List<UnitNode> units) {
  public Equipment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(endpointUrl, "endpointUrl");
    Objects.requireNonNull(security, "security");
    tags = List.copyOf(tags);
    units = List.copyOf(units);
  }

  public Equipment withEndpointUrl(String url) {
    return new Equipment(id, url, security, publishingIntervalMs, tags, units);
  }

  public Equipment withTags(List<Tag> newTags) {
    return new Equipment(id, endpointUrl, security, publishingIntervalMs, newTags, units);
  }
}
