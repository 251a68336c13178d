package org.pilotline.acquisition.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.pilotline.acquisition.line.Reading;

/** Reads the quarantine that {@link CopyReadingWriter#writeQuarantining} fills. */
public final class JdbcReadingQuarantine implements ReadingQuarantine {
  private static final String RECENT_SQL = """
      select b.id, b.quarantined_at, b.spool_id, b.last_seq, b.rows_offered, b.rows_quarantined,
             b.sql_state, b.reason,
             (select min(q.ts) from reading_quarantine q where q.batch_id = b.id),
             (select max(q.ts) from reading_quarantine q where q.batch_id = b.id)
        from quarantine_batch b
       order by b.id desc
       limit ?""";
  private static final String READINGS_SQL = """
      select ts, tag_id, value, quality, server_ts, sql_state, reason
        from reading_quarantine
       where batch_id = ?
       order by ctid
       limit ?""";
  private static final String TOTALS_SQL = """
      select count(*), coalesce(sum(rows_quarantined), 0), max(quarantined_at) from quarantine_batch""";

  private final DataSource dataSource;

  public JdbcReadingQuarantine(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public List<QuarantineBatch> recent(int limit) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RECENT_SQL)) {
      ps.setInt(1, Math.max(0, limit));
      List<QuarantineBatch> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new QuarantineBatch(rs.getLong(1), instant(rs, 2), rs.getString(3),
              rs.getLong(4), rs.getInt(5), rs.getInt(6), rs.getString(7), rs.getString(8),
              instant(rs, 9), instant(rs, 10)));
        }
      }
      return out;
    }
  }

  @Override
  public List<QuarantinedReading> readings(long batchId, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(READINGS_SQL)) {
      ps.setLong(1, batchId);
      ps.setInt(2, Math.max(0, limit));
      List<QuarantinedReading> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double v = rs.getDouble(3);
          Double value = rs.wasNull() ? null : v;
          out.add(new QuarantinedReading(
              new Reading(rs.getInt(2), instant(rs, 1), instant(rs, 5), value,
                  rs.getLong(4)),
              rs.getString(6), rs.getString(7)));
        }
      }
      return out;
    }
  }

  @Override
  public Totals totals() throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(TOTALS_SQL);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new Totals(rs.getLong(1), rs.getLong(2), instant(rs, 3));
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
