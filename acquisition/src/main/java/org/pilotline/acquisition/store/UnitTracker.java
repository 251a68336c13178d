package org.pilotline.acquisition.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitRole;

/**
 * Turns the stream of {@link CellEvent}s into process windows and genealogy links. Pure logic,
 * no I/O; not thread-safe: feed it events in order from one thread.
 *
 * <p>It remembers which unit occupies every slot. When a PROCESS unit arrives at an equipment,
 * it becomes the genealogy child of the units in that equipment's INPUT slots; when an INPUT
 * unit arrives while PROCESS units are present, it becomes their parent. An event repeating the
 * unit a slot already holds (a reconnect re-reads the node) changes nothing. The slot's own
 * memory wins over the event's {@code previousUnit}, which is only used for a slot not seen yet
 * (the first event after a start).
 */
public final class UnitTracker {
  private record SlotKey(String station, String equipment, String slot) {}

  private record Occupant(UnitKind kind, UnitRole role, String unitId) {}

  private final Map<SlotKey, Occupant> slots = new HashMap<>();

  /** The commands that record this event; empty when it changes nothing. */
  public List<UnitCommand> accept(CellEvent event) {
    Objects.requireNonNull(event, "event");
    SlotKey key = new SlotKey(event.stationId(), event.equipmentId(), event.slot());
    String arriving = blankToNull(event.unit());
    Occupant known = slots.get(key);
    String leaving = known != null ? known.unitId() : blankToNull(event.previousUnit());
    if (Objects.equals(leaving, arriving)) {
      if (known == null && arriving != null) {
        // first sight of a slot whose event says "unchanged": still a unit present now
        return arrive(key, event, arriving, new ArrayList<>());
      }
      return List.of();
    }
    List<UnitCommand> out = new ArrayList<>();
    if (leaving != null) {
      UnitKind leavingKind = known != null ? known.kind() : event.kind();
      UnitRole leavingRole = known != null ? known.role() : event.role();
      if (leavingRole == UnitRole.PROCESS) {
        out.add(new UnitCommand.CloseWindow(leavingKind, leaving, key.station(), key.equipment(),
            key.slot(), event.at()));
      }
      slots.remove(key);
    }
    if (arriving == null) {
      return out;
    }
    return arrive(key, event, arriving, out);
  }

  private List<UnitCommand> arrive(SlotKey key, CellEvent event, String unitId, List<UnitCommand> out) {
    Instant at = event.at();
    slots.put(key, new Occupant(event.kind(), event.role(), unitId));
    out.add(new UnitCommand.EnsureUnit(event.kind(), unitId, at));
    if (event.role() == UnitRole.PROCESS) {
      out.add(new UnitCommand.OpenWindow(event.kind(), unitId, key.station(), key.equipment(),
          key.slot(), at));
      for (Occupant input : occupantsOf(key, UnitRole.INPUT)) {
        out.add(new UnitCommand.LinkGenealogy(input.kind(), input.unitId(), event.kind(), unitId, at));
      }
    } else {
      for (Occupant process : occupantsOf(key, UnitRole.PROCESS)) {
        out.add(new UnitCommand.LinkGenealogy(event.kind(), unitId, process.kind(),
            process.unitId(), at));
      }
    }
    return out;
  }

  /** The units in the same equipment's other slots with this role, in a stable order. */
  private List<Occupant> occupantsOf(SlotKey key, UnitRole role) {
    return slots.entrySet().stream()
        .filter(e -> e.getKey().station().equals(key.station())
            && e.getKey().equipment().equals(key.equipment())
            && !e.getKey().slot().equals(key.slot())
            && e.getValue().role() == role)
        .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(SlotKey::slot)))
        .map(Map.Entry::getValue)
        .toList();
  }

  private static String blankToNull(String id) {
    return id == null || id.isEmpty() ? null : id;
  }
}
