package org.pilotline.acquisition.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.DataGap;

class GapTrackerTest {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  private final GapTracker tracker = new GapTracker("coating", "coater");

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void gapRunsFromLastValueBeforeTheOutageToFirstValueAfterIt() {
    tracker.subscribed(at(0));
    tracker.values(List.of(at(1), at(3), at(2)));

    assertTrue(tracker.outage("sessionInactive", at(5)));
    Optional<DataGap> gap = tracker.values(List.of(at(30), at(31)));

    assertEquals(Optional.of(new DataGap("coating", "coater", at(3), at(30), at(5), "sessionInactive")), gap);
    assertFalse(tracker.open());
  }

  @Test
  void laterSignsOfTheSameOutageDoNotMoveItsStartOrReason() {
    tracker.values(List.of(at(3)));
    assertTrue(tracker.outage("sessionInactive", at(5)));
    assertFalse(tracker.outage("transferFailed", at(25)));

    DataGap gap = tracker.values(List.of(at(26))).orElseThrow();

    assertEquals(at(3), gap.from());
    assertEquals(at(5), gap.detectedAt());
    assertEquals("sessionInactive", gap.reason());
  }

  // After a re-subscription an unchanged node comes back with its old source time; that is not
  // evidence that observation resumed.
  @Test
  void valuesNoNewerThanTheGapStartLeaveItOpen() {
    tracker.values(List.of(at(3)));
    tracker.outage("transferFailed", at(5));

    assertEquals(Optional.empty(), tracker.values(List.of(at(1), at(3))));
    assertTrue(tracker.open());
    assertEquals(at(40), tracker.values(List.of(at(2), at(41), at(40))).orElseThrow().to());
  }

  @Test
  void outageBeforeAnyValueStartsAtTheSubscriptionTime() {
    tracker.subscribed(at(0));
    tracker.outage("watchdog", at(10));

    assertEquals(at(0), tracker.values(List.of(at(12))).orElseThrow().from());
  }

  // The subscription time is our clock; an equipment clock behind ours must still give the gap
  // the equipment's last value as its start.
  @Test
  void lastValueOlderThanTheSubscriptionStillStartsTheGap() {
    tracker.subscribed(at(10));
    tracker.values(List.of(at(2)));
    tracker.outage("sessionInactive", at(12));

    assertEquals(at(2), tracker.values(List.of(at(13))).orElseThrow().from());
  }

  @Test
  void noValuesWithoutOutageCloseNothing() {
    tracker.subscribed(at(0));

    assertEquals(Optional.empty(), tracker.values(List.of(at(1), at(2))));
    assertFalse(tracker.open());
  }

  @Test
  void secondOutageStartsAtTheLastValueAfterTheFirst() {
    tracker.values(List.of(at(3)));
    tracker.outage("sessionInactive", at(5));
    tracker.values(List.of(at(30), at(35)));

    tracker.outage("watchdog", at(40));
    DataGap second = tracker.values(List.of(at(50))).orElseThrow();

    assertEquals(new DataGap("coating", "coater", at(35), at(50), at(40), "watchdog"), second);
  }
}
