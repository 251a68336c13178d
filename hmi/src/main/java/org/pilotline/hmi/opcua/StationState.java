package org.pilotline.hmi.opcua;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitRole;

/**
 * What the result server says about one station, derived from what this node knows: whether its
 * equipment's tags and unit nodes are subscribed, and which unit its process slots hold.
 *
 * @param state the station's state
 * @param currentUnit the unit in the first of its process slots that holds one; "" when none
 * @param detail why a station is not {@link State#PROCESSING} or {@link State#IDLE}, e.g.
 *     {@code "3/5 nodes subscribed; first failure: coating/coater1/speed BadNodeIdUnknown"}
 */
public record StationState(String stationId, State state, String currentUnit, String detail) {

  /** A station's state; the names are the values of the {@code State} variable. */
  public enum State {
    /** No node of its equipment is subscribed (equipment unreachable, not started, or none configured). */
    OFFLINE,
    /** Some of its nodes are subscribed, some failed: data from it is incomplete. */
    DEGRADED,
    /** Every node subscribed; no unit in its process slots. */
    IDLE,
    /** Every node subscribed; a unit is in one of its process slots. */
    PROCESSING
  }

  public StationState {
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(currentUnit, "currentUnit");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * Derives the state of every station of the line, in line order.
   *
   * @param statuses subscription status of tags and unit nodes by key ({@code station/equipment/tag}
   *     and {@code station/equipment/unit/slot}); a configured node without a status counts as
   *     not subscribed
   * @param slots the unit each slot holds, by {@code equipment/slot}; "" or absent when empty
   */
  public static List<StationState> derive(Line line, Map<String, TagStatus> statuses, Map<String, String> slots) {
    List<StationState> out = new ArrayList<>();
    for (Station s : line.stations()) {
      List<String> keys = new ArrayList<>();
      String unit = "";
      for (Equipment e : s.equipment()) {
        e.tags().forEach(t -> keys.add(s.id() + "/" + e.id() + "/" + t.name()));
        for (UnitNode u : e.units()) {
          keys.add(s.id() + "/" + e.id() + "/unit/" + u.name());
          String held = slots.getOrDefault(e.id() + "/" + u.name(), "");
          if (unit.isEmpty() && u.role() == UnitRole.PROCESS && held != null && !held.isEmpty()) {
            unit = held;
          }
        }
      }
      int ok = 0;
      String firstFailure = null;
      for (String k : keys) {
        TagStatus status = statuses.get(k);
        if (status != null && status.ok()) {
          ok++;
        } else if (firstFailure == null) {
          firstFailure = k + " " + (status == null ? "not subscribed" : status.detail());
        }
      }
      State state;
      String detail = "";
      if (keys.isEmpty()) {
        state = State.OFFLINE;
        detail = "no equipment nodes configured";
      } else if (ok == 0) {
        state = State.OFFLINE;
        detail = "0/" + keys.size() + " nodes subscribed; first failure: " + firstFailure;
      } else if (ok < keys.size()) {
        state = State.DEGRADED;
        detail = ok + "/" + keys.size() + " nodes subscribed; first failure: " + firstFailure;
      } else {
        state = unit.isEmpty() ? State.IDLE : State.PROCESSING;
      }
      out.add(new StationState(s.id(), state, unit, detail));
    }
    return out;
  }
}
