package org.pilotline.acquisition.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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

  /** The most points {@link #trend} returns; ask {@link #trend1m} for longer ranges. */
  public static final int MAX_TREND_POINTS = 100_000;

  // Served by reading_tag_ts (tag_id, ts desc) in both modes; on a hypertable the ts range
  // also excludes chunks.
  private static final String TREND = """
      select ts, value, quality
        from reading
       where tag_id = ? and ts >= ? and ts < ?
       order by ts
       limit ?""";

  // TimescaleDB: the continuous aggregate, materialised by its refresh policy, with the minutes
  // not yet materialised computed on read (real-time aggregation, materialized_only = false).
  private static final String TREND_1M_TIMESCALEDB = """
      select bucket, min_value, max_value, avg_value, sample_count, last_value
        from reading_1m
       where tag_id = ? and bucket >= ? and bucket < ?
       order by bucket""";

  // Plain PostgreSQL: the reading_1m view's aggregation, but with the time range on ts so that
  // the (tag_id, ts) index bounds the scan; a range on the view's bucket column would read the
  // tag's whole history. Same columns and aggregates as the view.
  private static final String TREND_1M_PLAIN = """
      select date_trunc('minute', ts) as bucket,
             min(value), max(value), avg(value), count(*),
             (array_agg(value order by ts desc))[1]
        from reading
       where tag_id = ? and ts >= ? and ts < ?
       group by 1
       order by 1""";

  private ReadingQueries() {}

  /**
   * A tag's readings with source times in [{@code from}, {@code to}), oldest first: at most
   * {@link #MAX_TREND_POINTS}, the oldest ones.
   */
  public static List<TrendPoint> trend(DataSource dataSource, int tagId, Instant from, Instant to)
      throws SQLException {
    requireRange(from, to);
    List<TrendPoint> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(TREND)) {
      ps.setInt(1, tagId);
      ps.setObject(2, from.atOffset(ZoneOffset.UTC));
      ps.setObject(3, to.atOffset(ZoneOffset.UTC));
      ps.setInt(4, MAX_TREND_POINTS);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TrendPoint(instant(rs, 1), nullableDouble(rs, 2), rs.getLong(3)));
        }
      }
    }
    return out;
  }

  /**
   * A tag's one-minute buckets (see {@code reading_1m}) covering [{@code from}, {@code to}):
   * {@code from} is rounded down and {@code to} up to whole minutes. Oldest first; minutes
   * without readings are absent. Same results in both storage modes.
   */
  public static List<TrendBucket> trend1m(
      DataSource dataSource, int tagId, Instant from, Instant to) throws SQLException {
    requireRange(from, to);
    Instant first = from.truncatedTo(ChronoUnit.MINUTES);
    Instant end = to.truncatedTo(ChronoUnit.MINUTES);
    if (end.isBefore(to)) {
      end = end.plus(1, ChronoUnit.MINUTES);
    }
    List<TrendBucket> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      String sql = storageMode(c) == StorageMode.TIMESCALEDB ? TREND_1M_TIMESCALEDB : TREND_1M_PLAIN;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setInt(1, tagId);
        ps.setObject(2, first.atOffset(ZoneOffset.UTC));
        ps.setObject(3, end.atOffset(ZoneOffset.UTC));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new TrendBucket(instant(rs, 1), nullableDouble(rs, 2), nullableDouble(rs, 3),
                nullableDouble(rs, 4), rs.getLong(5), nullableDouble(rs, 6)));
          }
        }
      }
    }
    return out;
  }

  private static StorageMode storageMode(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select mode from storage_mode");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("storage_mode is empty: the schema is not migrated");
      }
      return StorageMode.valueOf(rs.getString(1));
    }
  }

  private static void requireRange(Instant from, Instant to) {
    if (from == null || to == null || !from.isBefore(to)) {
      throw new IllegalArgumentException("not a time range: from=" + from + ", to=" + to);
    }
  }

  private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

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
