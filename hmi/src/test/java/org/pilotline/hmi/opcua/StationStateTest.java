package org.pilotline.hmi.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitRole;
import org.pilotline.hmi.opcua.StationState.State;

class StationStateTest {
  private static final Tag T1 = new Tag("t1", "ns=2;s=t1", "", 100, 10, 0, SpecLimits.NONE, null);
  private static final Tag T2 = new Tag("t2", "ns=2;s=t2", "", 100, 10, 0, SpecLimits.NONE, null);
  private static final Line LINE = new Line("l", List.of(
      new Station("press", "Press", List.of(new Equipment("wip", "opc.tcp://h:1/", EndpointSecurity.NONE, 100,
          List.of(T1, T2), List.of(new UnitNode("lot", "ns=2;s=lot", UnitKind.LOT, UnitRole.INPUT),
              new UnitNode("current", "ns=2;s=cur", UnitKind.CELL, UnitRole.PROCESS))))),
      new Station("empty", "Nothing configured", List.of())));

  private static Map<String, TagStatus> statuses(boolean t1, boolean t2, boolean lot, boolean current) {
    return Map.of(
        "press/wip/t1", new TagStatus("press/wip/t1", t1, t1 ? "" : "BadNodeIdUnknown"),
        "press/wip/t2", new TagStatus("press/wip/t2", t2, t2 ? "" : "BadNodeIdUnknown"),
        "press/wip/unit/lot", new TagStatus("press/wip/unit/lot", lot, ""),
        "press/wip/unit/current", new TagStatus("press/wip/unit/current", current, ""));
  }

  private static StationState press(Map<String, TagStatus> statuses, Map<String, String> slots) {
    return StationState.derive(LINE, statuses, slots).get(0);
  }

  @Test
  void everyNodeSubscribedAndNoProcessUnitIsIdleEvenWithInputMaterialLoaded() {
    StationState s = press(statuses(true, true, true, true), Map.of("wip/lot", "LOT-7"));
    assertEquals(new StationState("press", State.IDLE, "", ""), s);
  }

  @Test
  void aUnitInAProcessSlotMakesItProcessing() {
    StationState s = press(statuses(true, true, true, true), Map.of("wip/lot", "LOT-7", "wip/current", "C-1"));
    assertEquals(State.PROCESSING, s.state());
    assertEquals("C-1", s.currentUnit());
  }

  @Test
  void someFailedNodesMakeItDegradedNamingTheFirst() {
    StationState s = press(statuses(true, false, true, true), Map.of("wip/current", "C-1"));
    assertEquals(State.DEGRADED, s.state());
    assertEquals("C-1", s.currentUnit());
    assertEquals("3/4 nodes subscribed; first failure: press/wip/t2 BadNodeIdUnknown", s.detail());
  }

  @Test
  void noStatusAtAllIsOffline() {
    StationState s = press(Map.of(), Map.of());
    assertEquals(State.OFFLINE, s.state());
    assertTrue(s.detail().startsWith("0/4 nodes subscribed; first failure: press/wip/t1 not subscribed"), s.detail());
  }

  @Test
  void stationWithoutEquipmentIsOfflineAndSaysWhy() {
    StationState s = StationState.derive(LINE, Map.of(), Map.of()).get(1);
    assertEquals(new StationState("empty", State.OFFLINE, "", "no equipment nodes configured"), s);
  }
}
