package org.pilotline.acquisition.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.pilotline.acquisition.line.UnitKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link UnitCommand}s to {@code process_window}, {@code genealogy} and the unit tables.
 * Every command is idempotent, so a batch may be applied again after a failure or a restart:
 * <ul>
 *   <li>opening a window closes any other unit's window still open in that slot (at the new
 *       start), keeps an open window of the same unit as it is (the unit never left), and
 *       does nothing for a visit (unit, slot, start) already recorded;
 *   <li>closing a window that is not open does nothing (logged at debug);
 *   <li>units and genealogy links are inserted once.
 * </ul>
 * Blocking: call from a worker thread.
 */
public final class JdbcUnitStore {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcUnitStore.class);
  private static final String CLOSE_OTHERS = """
      update process_window set end_ts = greatest(start_ts, ?)
       where station = ? and equipment = ? and slot = ? and end_ts is null
         and not (unit_kind = ? and unit_id = ?) and start_ts <= ?""";
  private static final String OPEN = """
      insert into process_window (unit_kind, unit_id, station, equipment, slot, start_ts)
      values (?, ?, ?, ?, ?, ?)
      on conflict do nothing""";
  // greatest(): a source clock that stepped back must not make end < start
  private static final String CLOSE = """
      update process_window set end_ts = greatest(start_ts, ?)
       where station = ? and equipment = ? and slot = ? and unit_kind = ? and unit_id = ?
         and end_ts is null""";
  private static final String LINK = """
      insert into genealogy (parent_kind, parent_id, child_kind, child_id, linked_at)
      values (?, ?, ?, ?, ?)
      on conflict on constraint genealogy_edge do nothing""";

  private final DataSource dataSource;

  public JdbcUnitStore(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /** Applies the commands in order, in one transaction. */
  public void apply(List<UnitCommand> commands) throws SQLException {
    if (commands.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        for (UnitCommand command : commands) {
          apply(c, command);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private void apply(Connection c, UnitCommand command) throws SQLException {
    if (command instanceof UnitCommand.EnsureUnit u) {
      ensureUnit(c, u);
    } else if (command instanceof UnitCommand.OpenWindow o) {
      open(c, o);
    } else if (command instanceof UnitCommand.CloseWindow w) {
      close(c, w);
    } else if (command instanceof UnitCommand.LinkGenealogy l) {
      link(c, l);
    } else {
      throw new IllegalArgumentException("unknown command: " + command);
    }
  }

  private static void ensureUnit(Connection c, UnitCommand.EnsureUnit u) throws SQLException {
    String sql = "insert into " + table(u.kind()) + " (id, first_seen) values (?, ?)"
        + " on conflict (id) do update set first_seen = least(excluded.first_seen, "
        + table(u.kind()) + ".first_seen)";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, u.id());
      ps.setObject(2, utc(u.firstSeen()));
      ps.executeUpdate();
    }
  }

  private static void open(Connection c, UnitCommand.OpenWindow o) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(CLOSE_OTHERS)) {
      ps.setObject(1, utc(o.start()));
      ps.setString(2, o.station());
      ps.setString(3, o.equipment());
      ps.setString(4, o.slot());
      ps.setString(5, o.kind().name());
      ps.setString(6, o.unitId());
      ps.setObject(7, utc(o.start()));
      int closed = ps.executeUpdate();
      if (closed > 0) {
        LOG.info("stale process window closed: station={}, equipment={}, slot={}, at={}",
            o.station(), o.equipment(), o.slot(), o.start());
      }
    }
    try (PreparedStatement ps = c.prepareStatement(OPEN)) {
      ps.setString(1, o.kind().name());
      ps.setString(2, o.unitId());
      ps.setString(3, o.station());
      ps.setString(4, o.equipment());
      ps.setString(5, o.slot());
      ps.setObject(6, utc(o.start()));
      if (ps.executeUpdate() == 0) {
        LOG.debug("process window already recorded: unit={}, station={}, equipment={}, slot={}",
            o.unitId(), o.station(), o.equipment(), o.slot());
      }
    }
  }

  private static void close(Connection c, UnitCommand.CloseWindow w) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(CLOSE)) {
      ps.setObject(1, utc(w.end()));
      ps.setString(2, w.station());
      ps.setString(3, w.equipment());
      ps.setString(4, w.slot());
      ps.setString(5, w.kind().name());
      ps.setString(6, w.unitId());
      if (ps.executeUpdate() == 0) {
        LOG.debug("no open process window to close: unit={}, station={}, equipment={}, slot={}",
            w.unitId(), w.station(), w.equipment(), w.slot());
      }
    }
  }

  private static void link(Connection c, UnitCommand.LinkGenealogy l) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(LINK)) {
      ps.setString(1, l.parentKind().name());
      ps.setString(2, l.parentId());
      ps.setString(3, l.childKind().name());
      ps.setString(4, l.childId());
      ps.setObject(5, utc(l.at()));
      ps.executeUpdate();
    }
  }

  private static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  private static String table(UnitKind kind) {
    return switch (kind) {
      case LOT -> "material_lot";
      case ROLL -> "roll";
      case CELL -> "cell";
    };
  }
}
