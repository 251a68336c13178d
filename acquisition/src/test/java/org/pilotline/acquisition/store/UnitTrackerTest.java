package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitRole;
import org.pilotline.acquisition.store.UnitCommand.CloseWindow;
import org.pilotline.acquisition.store.UnitCommand.EnsureUnit;
import org.pilotline.acquisition.store.UnitCommand.LinkGenealogy;
import org.pilotline.acquisition.store.UnitCommand.OpenWindow;

class UnitTrackerTest {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  private final UnitTracker tracker = new UnitTracker();

  private static Instant t(int s) {
    return T0.plusSeconds(s);
  }

  private static CellEvent coater(String previous, String unit, int s) {
    return new CellEvent("coating", "coater", "current", UnitKind.ROLL, UnitRole.PROCESS, previous, unit, t(s));
  }

  private static CellEvent mixer(String slot, UnitKind kind, UnitRole role, String previous, String unit, int s) {
    return new CellEvent("mixing", "mixer", slot, kind, role, previous, unit, t(s));
  }

  @Nested
  class Windows {
    @Test
    void arrivalOpensAWindow() {
      assertEquals(
          List.of(new EnsureUnit(UnitKind.ROLL, "R-1", t(0)),
              new OpenWindow(UnitKind.ROLL, "R-1", "coating", "coater", "current", t(0))),
          tracker.accept(coater(null, "R-1", 0)));
    }

    @Test
    void nextUnitClosesThePreviousWindowAndOpensItsOwn() {
      tracker.accept(coater(null, "R-1", 0));
      assertEquals(
          List.of(new CloseWindow(UnitKind.ROLL, "R-1", "coating", "coater", "current", t(60)),
              new EnsureUnit(UnitKind.ROLL, "R-2", t(60)),
              new OpenWindow(UnitKind.ROLL, "R-2", "coating", "coater", "current", t(60))),
          tracker.accept(coater("R-1", "R-2", 60)));
    }

    @Test
    void emptySlotOnlyCloses() {
      tracker.accept(coater(null, "R-1", 0));
      assertEquals(
          List.of(new CloseWindow(UnitKind.ROLL, "R-1", "coating", "coater", "current", t(30))),
          tracker.accept(coater("R-1", "", 30)));
      assertEquals(List.of(), tracker.accept(coater("", "", 31)));
    }

    @Test
    void repeatedUnitChangesNothing() {
      // a reconnect re-reads the node and reports the unit the slot already holds
      tracker.accept(coater(null, "R-1", 0));
      assertEquals(List.of(), tracker.accept(coater(null, "R-1", 5)));
    }

    @Test
    void firstEventAfterStartClosesThePreviousUnitItNames() {
      assertEquals(
          List.of(new CloseWindow(UnitKind.ROLL, "R-0", "coating", "coater", "current", t(1)),
              new EnsureUnit(UnitKind.ROLL, "R-1", t(1)),
              new OpenWindow(UnitKind.ROLL, "R-1", "coating", "coater", "current", t(1))),
          tracker.accept(coater("R-0", "R-1", 1)));
    }

    @Test
    void trackedOccupantWinsOverTheEventsPreviousUnit() {
      tracker.accept(coater(null, "R-1", 0));
      List<UnitCommand> commands = tracker.accept(coater("R-9", "R-2", 10));
      assertEquals(new CloseWindow(UnitKind.ROLL, "R-1", "coating", "coater", "current", t(10)), commands.get(0));
    }
  }

  @Nested
  class Genealogy {
    @Test
    void processUnitArrivingAfterItsInputIsLinkedToIt() {
      tracker.accept(mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-1", 0));
      assertEquals(
          List.of(new EnsureUnit(UnitKind.ROLL, "R-1", t(5)),
              new OpenWindow(UnitKind.ROLL, "R-1", "mixing", "mixer", "current", t(5)),
              new LinkGenealogy(UnitKind.LOT, "LOT-1", UnitKind.ROLL, "R-1", t(5))),
          tracker.accept(mixer("current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 5)));
    }

    @Test
    void inputArrivingWhileAProcessUnitIsPresentIsLinkedToIt() {
      tracker.accept(mixer("current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 0));
      assertEquals(
          List.of(new EnsureUnit(UnitKind.LOT, "LOT-2", t(7)),
              new LinkGenealogy(UnitKind.LOT, "LOT-2", UnitKind.ROLL, "R-1", t(7))),
          tracker.accept(mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-2", 7)));
    }

    @Test
    void inputsOpenNoWindowAndLeavingInputLinksNothing() {
      tracker.accept(mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-1", 0));
      assertEquals(List.of(), tracker.accept(mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, "LOT-1", "", 3)));
      // the lot has left, so the next roll has no parent
      List<UnitCommand> commands = tracker.accept(mixer("current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 5));
      assertEquals(0, commands.stream().filter(c -> c instanceof LinkGenealogy).count());
    }

    @Test
    void inputsOfOtherEquipmentAreNotParents() {
      tracker.accept(mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-1", 0));
      List<UnitCommand> commands = tracker.accept(coater(null, "R-1", 5));
      assertEquals(0, commands.stream().filter(c -> c instanceof LinkGenealogy).count());
    }

    @Test
    void oneInputFeedsSuccessiveProcessUnits() {
      tracker.accept(mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-1", 0));
      tracker.accept(mixer("current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 1));
      List<UnitCommand> commands = tracker.accept(mixer("current", UnitKind.ROLL, UnitRole.PROCESS, "R-1", "R-2", 9));
      assertEquals(new LinkGenealogy(UnitKind.LOT, "LOT-1", UnitKind.ROLL, "R-2", t(9)), commands.get(commands.size() - 1));
    }
  }
}
