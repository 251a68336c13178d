package org.pilotline.acquisition.line;

/** A tag with the station and equipment that own it. */
public record TagRef(String stationId, String equipmentId, Tag tag) {
  /** The tag's line-wide key, {@code station/equipment/tag}. */
  public String key() {
    return stationId + "/" + equipmentId + "/" + tag.name();
  }
}
