package org.pilotline.acquisition.store;

import java.time.Instant;
import java.util.Objects;
import org.pilotline.acquisition.line.UnitKind;

/** What {@link UnitTracker} asks the unit store to record. */
public sealed interface UnitCommand {

  /** A unit was seen: make sure its lot, roll or cell row exists. */
  record EnsureUnit(UnitKind kind, String id, Instant firstSeen) implements UnitCommand {
    public EnsureUnit {
      Objects.requireNonNull(kind, "kind");
      requireId(id);
      Objects.requireNonNull(firstSeen, "firstSeen");
    }
  }

  /** A PROCESS unit arrived in a slot. */
  record OpenWindow(UnitKind kind, String unitId, String station, String equipment, String slot,
      Instant start) implements UnitCommand {
    public OpenWindow {
      Objects.requireNonNull(kind, "kind");
      requireId(unitId);
      Objects.requireNonNull(station, "station");
      Objects.requireNonNull(equipment, "equipment");
      Objects.requireNonNull(slot, "slot");
      Objects.requireNonNull(start, "start");
    }
  }

  /** A PROCESS unit left a slot. */
  record CloseWindow(UnitKind kind, String unitId, String station, String equipment, String slot,
      Instant end) implements UnitCommand {
    public CloseWindow {
      Objects.requireNonNull(kind, "kind");
      requireId(unitId);
      Objects.requireNonNull(station, "station");
      Objects.requireNonNull(equipment, "equipment");
      Objects.requireNonNull(slot, "slot");
      Objects.requireNonNull(end, "end");
    }
  }

  /** The parent unit was consumed into the child unit. */
  record LinkGenealogy(UnitKind parentKind, String parentId, UnitKind childKind, String childId,
      Instant at) implements UnitCommand {
    public LinkGenealogy {
      Objects.requireNonNull(parentKind, "parentKind");
      requireId(parentId);
      Objects.requireNonNull(childKind, "childKind");
      requireId(childId);
      Objects.requireNonNull(at, "at");
    }
  }

  private static void requireId(String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("unit id must not be empty");
    }
  }
}
