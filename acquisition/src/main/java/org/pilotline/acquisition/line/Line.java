package org.pilotline.acquisition.line;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The line model: stations in route order, each with its equipment. Immutable and already
 * validated; {@link LineLoader} is the only way in from files.
 */
public record Line(String name, List<Station> stations) {
  public Line {
    Objects.requireNonNull(name, "name");
    stations = List.copyOf(stations);
  }

  public Stream<Equipment> equipment() {
    return stations.stream().flatMap(s -> s.equipment().stream());
  }

  /** Every tag, with the station and equipment it belongs to. */
  public Stream<TagRef> tagRefs() {
    return stations.stream()
        .flatMap(s -> s.equipment().stream()
            .flatMap(e -> e.tags().stream().map(t -> new TagRef(s.id(), e.id(), t))));
  }

  public Optional<Station> station(String id) {
    return stations.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** The station that owns the equipment with this id. */
  public Optional<Station> stationOf(String equipmentId) {
    return stations.stream()
        .filter(s -> s.equipment().stream().anyMatch(e -> e.id().equals(equipmentId)))
        .findFirst();
  }

  /** A copy with one equipment replaced (same id), used to re-point endpoints in tests and tools. */
  public Line withEquipment(Equipment replacement) {
    return new Line(name, stations.stream().map(s -> s.withEquipment(replacement)).toList());
  }
}
