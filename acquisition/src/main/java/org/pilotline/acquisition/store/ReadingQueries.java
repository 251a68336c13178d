package org.pilotline.acquisition.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.pilotline.acquisition.line.Quality;

/** Read queries over {@code reading} for the HMI. Blocking. */
public final class ReadingQueries {
  // One index probe per tag on reading_tag_ts (tag_id, ts desc), not a scan of all readings;
  // the tag table is small, so this stays cheap however long the history grows.
  private static final String LATEST = """
      select t.id, t.station, t.equipment, t.name, t.unit,
             r.ts, r.server_ts, r.value, r.quality
        from tag t
       cross join lateral (
             select ts, server_ts, value, quality
               from reading
              where tag_id = t.id
              order by ts desc
              limit 1) r
       order by t.station, t.equipment, t.name""";

  private ReadingQueries() {}

  /** The newest reading (by source time) of every tag that has one. */
  public static List<LatestValue> latestPerTag(DataSource dataSource) throws SQLException {
    List<LatestValue> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(LATEST);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String station = rs.getString(2);
        String equipment = rs.getString(3);
        String name = rs.getString(4);
        double v = rs.getDouble(8);
        Double value = rs.wasNull() ? null : v;
        long quality = rs.getLong(9);
        out.add(new LatestValue(rs.getInt(1), station + "/" + equipment + "/" + name, station,
            equipment, name, rs.getString(5), instant(rs, 6), instant(rs, 7), value, quality,
            Quality.of(quality)));
      }
    }
    return out;
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
