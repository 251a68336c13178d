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

  /** Genealogy is decided by the units' overlap in time, not by the order events arrive in. */
  @Nested
  class Genealogy {
    private final MutableClock wall = new MutableClock(T0);
    private final UnitTracker byTime = new UnitTracker(wall);

    private CellEvent stackerCell(String previous, String unit, int s) {
      return new CellEvent("stacking", "stacker", "current", UnitKind.CELL, UnitRole.PROCESS, previous, unit, t(s));
    }

    private CellEvent stackerRoll(String previous, String unit, int s) {
      return new CellEvent("stacking", "stacker", "inputRoll", UnitKind.ROLL, UnitRole.INPUT, previous, unit, t(s));
    }

    private List<LinkGenealogy> links(List<UnitCommand> commands) {
      return commands.stream().filter(c -> c instanceof LinkGenealogy).map(c -> (LinkGenealogy) c).toList();
    }

    private List<LinkGenealogy> feed(CellEvent... events) {
      List<LinkGenealogy> out = new java.util.ArrayList<>();
      for (CellEvent e : events) {
        out.addAll(links(byTime.accept(e)));
      }
      return out;
    }

    private List<LinkGenealogy> afterGrace() {
      wall.advance(UnitTracker.GRACE);
      return links(byTime.flush());
    }

    @Test
    void inputPresentWhenAProcessUnitArrivesIsItsParentOnceTheOverlapIsCertain() {
      assertEquals(List.of(), feed(
          mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-1", 0),
          mixer("current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 5)));
      assertEquals(List.of(new LinkGenealogy(UnitKind.LOT, "LOT-1", UnitKind.ROLL, "R-1", t(5))),
          feed(mixer("current", UnitKind.ROLL, UnitRole.PROCESS, "R-1", "", 20),
              mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, "LOT-1", "", 30)));
    }

    @Test
    void pairStillTogetherIsLinkedWhenTheGraceHasPassed() {
      feed(mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-1", 0),
          mixer("current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 5));
      assertEquals(List.of(), links(byTime.flush()));
      assertEquals(List.of(new LinkGenealogy(UnitKind.LOT, "LOT-1", UnitKind.ROLL, "R-1", t(5))), afterGrace());
      assertEquals(0, byTime.undecided());
    }

    @Test
    void inputArrivingWhileAProcessUnitIsPresentIsLinkedToIt() {
      List<LinkGenealogy> links = feed(
          mixer("current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 0),
          mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-2", 7),
          mixer("current", UnitKind.ROLL, UnitRole.PROCESS, "R-1", "", 9));
      links = new java.util.ArrayList<>(links);
      links.addAll(afterGrace());
      assertEquals(List.of(new LinkGenealogy(UnitKind.LOT, "LOT-2", UnitKind.ROLL, "R-1", t(7))), links);
    }

    @Test
    void rollChangedAtTheInstantANewCellStartsFeedsOnlyTheNewCellWhicheverIsReportedFirst() {
      for (boolean rollFirst : new boolean[] {true, false}) {
        UnitTracker tracker = new UnitTracker(wall);
        List<LinkGenealogy> links = new java.util.ArrayList<>();
        List<CellEvent> events = new java.util.ArrayList<>(List.of(
            stackerRoll(null, "R-1", 0), stackerCell(null, "C-1", 1)));
        CellEvent roll = stackerRoll("R-1", "R-2", 10);
        CellEvent cell = stackerCell("C-1", "C-2", 10);
        events.addAll(rollFirst ? List.of(roll, cell) : List.of(cell, roll));
        events.add(stackerCell("C-2", "C-3", 20));
        events.forEach(e -> links.addAll(links(tracker.accept(e))));
        wall.advance(UnitTracker.GRACE);
        links.addAll(links(tracker.flush()));
        assertEquals(List.of(
                new LinkGenealogy(UnitKind.ROLL, "R-1", UnitKind.CELL, "C-1", t(1)),
                new LinkGenealogy(UnitKind.ROLL, "R-2", UnitKind.CELL, "C-2", t(10)),
                new LinkGenealogy(UnitKind.ROLL, "R-2", UnitKind.CELL, "C-3", t(20))),
            links.stream().sorted(java.util.Comparator.comparing(LinkGenealogy::childId)).toList(),
            rollFirst ? "roll change reported first" : "cell change reported first");
      }
    }

    @Test
    void rollChangeReportedAfterALaterCellChangeStillLinksByTime() {
      List<LinkGenealogy> links = new java.util.ArrayList<>(feed(
          stackerRoll(null, "R-2", 0),
          stackerCell(null, "C-17", 9),
          stackerCell("C-17", "C-18", 13),
          // the roll change of t=9 arrives a publish late
          stackerRoll("R-2", "R-3", 9),
          stackerCell("C-18", "", 17)));
      links.addAll(afterGrace());
      assertEquals(List.of(
              new LinkGenealogy(UnitKind.ROLL, "R-3", UnitKind.CELL, "C-17", t(9)),
              new LinkGenealogy(UnitKind.ROLL, "R-3", UnitKind.CELL, "C-18", t(13))),
          links.stream().sorted(java.util.Comparator.comparing(LinkGenealogy::childId)).toList());
    }

    @Test
    void inputThatLeftBeforeTheProcessUnitArrivedIsNoParent() {
      List<LinkGenealogy> links = new java.util.ArrayList<>(feed(
          mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-1", 0),
          mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, "LOT-1", "", 3),
          mixer("current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 5)));
      links.addAll(afterGrace());
      assertEquals(List.of(), links);
    }

    @Test
    void inputsOfOtherEquipmentAreNotParents() {
      List<LinkGenealogy> links = new java.util.ArrayList<>(feed(
          mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-1", 0), coater(null, "R-1", 5)));
      links.addAll(afterGrace());
      assertEquals(List.of(), links);
    }

    @Test
    void oneInputFeedsSuccessiveProcessUnitsOnce() {
      List<LinkGenealogy> links = new java.util.ArrayList<>(feed(
          mixer("inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-1", 0),
          mixer("current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 1),
          mixer("current", UnitKind.ROLL, UnitRole.PROCESS, "R-1", "R-2", 9)));
      links.addAll(afterGrace());
      links.addAll(afterGrace());
      assertEquals(List.of(
              new LinkGenealogy(UnitKind.LOT, "LOT-1", UnitKind.ROLL, "R-1", t(1)),
              new LinkGenealogy(UnitKind.LOT, "LOT-1", UnitKind.ROLL, "R-2", t(9))),
          links.stream().sorted(java.util.Comparator.comparing(LinkGenealogy::childId)).toList());
    }
  }
}
