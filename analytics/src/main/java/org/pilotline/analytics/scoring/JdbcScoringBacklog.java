package org.pilotline.analytics.scoring;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link ScoringBacklog} on {@code cell_feature}, {@code cell_verdict} and {@code process_window}. */
public final class JdbcScoringBacklog implements ScoringBacklog {
  private static final String COUNT = "select count(*) from cell_feature where schema_version = ?";
  private static final String NEWEST = "select max(completed_at) from cell_feature where schema_version = ?";
  private static final String UNSCORED = """
      select f.cell_id from cell_feature f
       where f.schema_version = ?
         and not exists (select 1 from cell_verdict v where v.cell_id = f.cell_id)
       order by f.completed_at, f.cell_id""";
  private static final String STATIONS = """
      select station from process_window where unit_kind = 'CELL' and unit_id = ?
       group by station order by min(start_ts), station""";

  private final DataSource dataSource;

  public JdbcScoringBacklog(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public int cellsWithFeatures(int schemaVersion) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(COUNT)) {
      ps.setInt(1, schemaVersion);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count stored feature vectors: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Instant> newestCompletion(int schemaVersion) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(NEWEST)) {
      ps.setInt(1, schemaVersion);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
        return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the newest stored completion: " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> unscored(int schemaVersion) {
    return strings(UNSCORED, ps -> ps.setInt(1, schemaVersion), "list unscored cells");
  }

  @Override
  public List<String> stations(String cellId) {
    return strings(STATIONS, ps -> ps.setString(1, cellId), "read the stations of cell " + cellId);
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private List<String> strings(String sql, Binder binder, String what) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
    }
  }
}
