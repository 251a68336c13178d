package org.pilotline.acquisition.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitRole;

class UnitSlotTest {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  private final UnitSlot slot = new UnitSlot("stacking", "stacker",
      new UnitNode("current", "nsu=urn:pilotline:sim;s=stacking/stacker/unit/current", UnitKind.CELL, UnitRole.PROCESS));

  private static DataValue unit(Object value, long status, int second) {
    DateTime t = new DateTime(T0.plusSeconds(second));
    return new DataValue(new Variant(value), new StatusCode(status), t, t);
  }

  private Optional<CellEvent> accept(Object value, int second) {
    return slot.accept(unit(value, StatusCodes.Good, second), T0.plusSeconds(100));
  }

  @Test
  void firstUnitAfterConnectHasNoPrevious() {
    CellEvent event = accept("C-000001", 1).orElseThrow();
    assertEquals(new CellEvent("stacking", "stacker", "current", UnitKind.CELL, UnitRole.PROCESS,
        null, "C-000001", T0.plusSeconds(1)), event);
  }

  @Test
  void changeCarriesPreviousAndCurrentAtSourceTime() {
    accept("C-000001", 1);
    CellEvent event = accept("C-000002", 2).orElseThrow();
    assertEquals("C-000001", event.previousUnit());
    assertEquals("C-000002", event.unit());
    assertEquals(T0.plusSeconds(2), event.at());
  }

  @Test
  void sameUnitAgainIsNoEvent() {
    accept("C-000001", 1);
    assertTrue(accept("C-000001", 2).isEmpty());
  }

  @Test
  void emptyStringEmptiesTheSlotAndAnEmptySlotStaysQuiet() {
    CellEvent initial = accept("", 1).orElseThrow();
    assertNull(initial.previousUnit(), "empty after connect: reported once, as the slot's state");
    assertNull(initial.unit());
    assertTrue(accept("", 2).isEmpty());
    accept("C-000001", 2);
    CellEvent left = accept("", 3).orElseThrow();
    assertEquals("C-000001", left.previousUnit());
    assertNull(left.unit());
    assertTrue(accept("   ", 4).isEmpty());
  }

  @Test
  void badStatusChangesNothing() {
    accept("C-000001", 1);
    assertTrue(slot.accept(unit("garbage", StatusCodes.Bad_CommunicationError, 2), T0).isEmpty());
    assertTrue(slot.accept(unit(null, StatusCodes.Bad_SensorFailure, 3), T0).isEmpty());
    CellEvent next = accept("C-000002", 4).orElseThrow();
    assertEquals("C-000001", next.previousUnit());
  }

  @Test
  void forgetMakesTheNextUnitHaveNoPrevious() {
    accept("C-000001", 1);
    slot.forget();
    CellEvent event = accept("C-000001", 2).orElseThrow();
    assertNull(event.previousUnit());
  }

  @Test
  void missingSourceTimeFallsBackToServerTime() {
    DataValue dv = new DataValue(new Variant("R-00001"), StatusCode.GOOD, null, new DateTime(T0));
    assertEquals(T0, slot.accept(dv, T0.plusSeconds(9)).orElseThrow().at());
  }

  @Test
  void unitIdsFromOtherScalarTypesAndPadding() {
    assertEquals("C-1", UnitSlot.unitId("C-1\0\0\0"));
    assertEquals("C-1", UnitSlot.unitId(" C-1  "));
    assertEquals("4711", UnitSlot.unitId(4711));
    assertEquals("4711", UnitSlot.unitId(uint(4711)));
    assertNull(UnitSlot.unitId(null));
    assertNull(UnitSlot.unitId(new String[] {"C-1"}));
    assertNull(UnitSlot.unitId(1.5));
  }
}
