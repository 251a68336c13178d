package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitRole;
import org.pilotline.acquisition.testing.TestDatabase;

class JdbcUnitStoreIT {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  private static TestDatabase.Schema schema;
  private JdbcUnitStore store;

  @BeforeAll
  static void migrate() throws SQLException {
    schema = TestDatabase.createMigratedSchema("unitstore");
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  @BeforeEach
  void empty() throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("truncate process_window, genealogy, material_lot, roll, cell");
    }
    store = new JdbcUnitStore(schema.dataSource());
  }

  @Test
  void eventsBecomeWindowsUnitsAndGenealogy() throws SQLException {
    MutableClock wall = new MutableClock(Instant.parse("2026-03-01T09:00:00Z"));
    UnitTracker tracker = new UnitTracker(wall);
    List<CellEvent> events = List.of(
        event("mixing", "mixer", "inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-1", 0),
        event("mixing", "mixer", "current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 10),
        event("mixing", "mixer", "current", UnitKind.ROLL, UnitRole.PROCESS, "R-1", "R-2", 70),
        event("stacking", "stacker", "current", UnitKind.CELL, UnitRole.PROCESS, null, "C-1", 80),
        // the roll arrives after the cell: the late input is still its parent
        event("stacking", "stacker", "inputRoll", UnitKind.ROLL, UnitRole.INPUT, null, "R-1", 85),
        event("stacking", "stacker", "current", UnitKind.CELL, UnitRole.PROCESS, "C-1", "", 95));
    for (CellEvent e : events) {
      store.apply(tracker.accept(e));
    }
    // LOT-1 and R-2 are still in their slots: their link waits for the tracker's grace.
    wall.advance(UnitTracker.GRACE);
    store.apply(tracker.flush());

    assertEquals(List.of(
            "ROLL|R-1|mixing|mixer|current|08:00:10|08:01:10",
            "ROLL|R-2|mixing|mixer|current|08:01:10|open",
            "CELL|C-1|stacking|stacker|current|08:01:20|08:01:35"),
        windows());
    assertEquals(List.of("LOT|LOT-1|ROLL|R-1", "LOT|LOT-1|ROLL|R-2", "ROLL|R-1|CELL|C-1"), genealogy());
    assertEquals(List.of("LOT-1"), strings("select id from material_lot"));
    assertEquals(List.of("R-1|08:00:10", "R-2|08:01:10"), strings("select id || '|' || to_char(first_seen at time zone 'UTC', 'HH24:MI:SS') from roll order by id"));
    assertEquals(List.of("C-1"), strings("select id from cell"));
  }

  @Test
  void applyingTheSameCommandsTwiceChangesNothing() throws SQLException {
    UnitTracker tracker = new UnitTracker();
    List<UnitCommand> first = new ArrayList<>();
    first.addAll(tracker.accept(event("mixing", "mixer", "inputLot", UnitKind.LOT, UnitRole.INPUT, null, "LOT-1", 0)));
    first.addAll(tracker.accept(event("mixing", "mixer", "current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 10)));
    first.addAll(tracker.accept(event("mixing", "mixer", "current", UnitKind.ROLL, UnitRole.PROCESS, "R-1", "", 20)));
    store.apply(first);
    List<String> windows = windows();
    List<String> links = genealogy();

    store.apply(first);

    assertEquals(windows, windows());
    assertEquals(links, genealogy());
  }

  @Test
  void windowLeftOpenByAPreviousRunIsContinuedOrClosedAtTheFirstEvent() throws SQLException {
    UnitTracker before = new UnitTracker();
    store.apply(before.accept(event("coating", "coater", "current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 0)));
    store.apply(before.accept(event("calendering", "calender", "current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-0", 0)));

    // restart: a fresh tracker; the coater still holds R-1, the calender has moved on to R-1
    UnitTracker after = new UnitTracker();
    store.apply(after.accept(event("coating", "coater", "current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 30)));
    store.apply(after.accept(event("calendering", "calender", "current", UnitKind.ROLL, UnitRole.PROCESS, null, "R-1", 40)));

    assertEquals(List.of(
            "ROLL|R-1|coating|coater|current|08:00:00|open",
            "ROLL|R-0|calendering|calender|current|08:00:00|08:00:40",
            "ROLL|R-1|calendering|calender|current|08:00:40|open"),
        windows());
  }

  @Test
  void closingAWindowThatIsNotOpenDoesNothing() throws SQLException {
    store.apply(List.of(new UnitCommand.CloseWindow(UnitKind.CELL, "C-9", "eol", "eolTester", "current", T0)));
    assertEquals(List.of(), windows());
  }

  private static CellEvent event(String station, String equipment, String slot, UnitKind kind, UnitRole role,
      String previous, String unit, int seconds) {
    return new CellEvent(station, equipment, slot, kind, role, previous, unit, T0.plusSeconds(seconds));
  }

  private static List<String> windows() throws SQLException {
    return strings("select unit_kind || '|' || unit_id || '|' || station || '|' || equipment || '|' || slot"
        + " || '|' || to_char(start_ts at time zone 'UTC', 'HH24:MI:SS')"
        + " || '|' || coalesce(to_char(end_ts at time zone 'UTC', 'HH24:MI:SS'), 'open')"
        + " from process_window order by id");
  }

  private static List<String> genealogy() throws SQLException {
    return strings("select parent_kind || '|' || parent_id || '|' || child_kind || '|' || child_id"
        + " from genealogy order by 1");
  }

  private static List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
