package org.pilotline.acquisition.line;

import java.util.List;
import java.util.Objects;

/** One station of the line, such as coating or formation. {@link Line#route()} gives the order. */
public record Station(String id, String name, List<Equipment> equipment) {
  public Station {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    equipment = List.copyOf(equipment);
  }

  Station withEquipment(Equipment replacement) {
    return new Station(id, name, equipment.stream()
        .map(e -> e.id().equals(replacement.id()) ? replacement : e)
        .toList());
  }
}
