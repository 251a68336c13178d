package org.pilotline.acquisition.opcua.discovery;

import java.util.Objects;

/**
 * One Object (usually a folder) on the way from the start node to a variable.
 *
 * @param browseName the browse name's text, without its namespace index
 * @param displayName the display name's text, or the browse name when the server gives none
 */
public record PathElement(String browseName, String displayName) {
  public PathElement {
    Objects.requireNonNull(browseName, "browseName");
    displayName = displayName == null || displayName.isBlank() ? browseName : displayName;
  }
}
