package org.pilotline.acquisition.line;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The line model: stations, each with its equipment, and the route units travel. Immutable and
 * already validated; {@link LineLoader} is the only way in from files.
 *
 * @param route station ids in the order a unit visits them; null means every station, in list
 *     order
 */
public record Line(String name, List<Station> stations, List<String> route) {
  public Line {
    Objects.requireNonNull(name, "name");
    stations = List.copyOf(stations);
    route = route == null ? stations.stream().map(Station::id).toList() : List.copyOf(route);
    for (String id : route) {
      if (stations.stream().noneMatch(s -> s.id().equals(id))) {
        throw new IllegalArgumentException("route names an unknown station: " + id);
      }
    }
  }

  /** A line whose route is its stations in list order. */
  public Line(String name, List<Station> stations) {
    this(name, stations, null);
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
    return new Line(name, stations.stream().map(s -> s.withEquipment(replacement)).toList(), route);
  }
}
