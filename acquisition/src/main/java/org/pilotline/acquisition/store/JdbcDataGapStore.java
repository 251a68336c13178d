package org.pilotline.acquisition.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.pilotline.acquisition.line.DataGap;

/** {@link DataGapSink} on the {@code data_gap} table. Blocking: call from a worker thread. */
public final class JdbcDataGapStore implements DataGapSink {
  private static final String INSERT = """
      insert into data_gap (station, equipment, from_ts, to_ts, detected_at, reason)
      values (?, ?, ?, ?, ?, ?)
      on conflict on constraint data_gap_once do nothing""";
  private static final String SELECT = """
      select station, equipment, from_ts, to_ts, detected_at, reason
        from data_gap where from_ts >= ? order by from_ts, station, equipment""";

  private final DataSource dataSource;

  public JdbcDataGapStore(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public void record(DataGap gap) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
      ps.setString(1, gap.stationId());
      ps.setString(2, gap.equipmentId());
      ps.setObject(3, utc(gap.from()));
      ps.setObject(4, utc(gap.to()));
      ps.setObject(5, utc(gap.detectedAt()));
      ps.setString(6, gap.reason());
      ps.executeUpdate();
    }
  }

  /** The gaps that began at or after {@code since}, oldest first. */
  public List<DataGap> since(Instant since) throws SQLException {
    List<DataGap> gaps = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
      ps.setObject(1, utc(since));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          gaps.add(new DataGap(
              rs.getString(1),
              rs.getString(2),
              rs.getObject(3, OffsetDateTime.class).toInstant(),
              rs.getObject(4, OffsetDateTime.class).toInstant(),
              rs.getObject(5, OffsetDateTime.class).toInstant(),
              rs.getString(6)));
        }
      }
    }
    return gaps;
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
