package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.testing.ReadingFixture;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.acquisition.testing.TimescaleTestServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HMI's trend queries give the same answers on TimescaleDB (hypertable and continuous
 * aggregate, PGlite build) as on plain PostgreSQL (BRIN and view; the test database: embedded,
 * or PostgreSQL 15 in CI) for the same readings, nulls and NaNs included.
 */
@Tag("timescaledb")
class TimescaleParityIT {
  private static final Logger LOG = LoggerFactory.getLogger(TimescaleParityIT.class);
  private static final int TAGS = 3;
  // two hours at 1 s, starting off the minute so the first and last buckets are partial
  private static final Instant FROM =
      Instant.now().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.DAYS).plusSeconds(17);
  private static final Duration SPAN = Duration.ofHours(2);

  private static TestDatabase.Schema plain;
  private static TimescaleTestServer.Schema timescale;
  private static int rows;

  @BeforeAll
  static void loadTheSameReadingsIntoBothModes() throws SQLException {
    List<Reading> readings = ReadingFixture.generate(20261127L, TAGS, FROM, SPAN, Duration.ofSeconds(1));
    rows = readings.size();
    plain = TestDatabase.createSchema("parity_plain");
    timescale = TimescaleTestServer.shared().createSchema("parity_tsdb");
    assertEquals(StorageMode.PLAIN, SchemaMigrator.migrate(plain.dataSource(), plain.name()));
    assertEquals(StorageMode.TIMESCALEDB,
        SchemaMigrator.migrate(timescale.dataSource(), timescale.name()));
    TimescaleTestServer.announceVersion(timescale.dataSource());
    long t0 = System.nanoTime();
    ReadingFixture.insert(timescale.dataSource(), readings, TimescaleTestServer.MAX_BATCH);
    LOG.info("parity fixture: rows={}, timescaledb load ms={}", rows, (System.nanoTime() - t0) / 1_000_000);
    ReadingFixture.insert(plain.dataSource(), readings, 500);
  }

  @AfterAll
  static void dropSchemas() {
    if (timescale != null) {
      timescale.close();
    }
    if (plain != null) {
      plain.close();
    }
  }

  @Test
  void bothModesHoldTheWholeFixture() throws SQLException {
    assertEquals(rows, count(plain.dataSource(), "select count(*) from reading"));
    assertEquals(rows, count(timescale.dataSource(), "select count(*) from reading"));
  }

  @Test
  void rawTrendIsTheSameInBothModes() throws SQLException {
    Instant from = FROM.plus(Duration.ofMinutes(10)).plusMillis(500);
    Instant to = FROM.plus(Duration.ofMinutes(70));
    for (int tag = 1; tag <= TAGS; tag++) {
      List<TrendPoint> expected = ReadingQueries.trend(plain.dataSource(), tag, from, to);

      List<TrendPoint> actual = ReadingQueries.trend(timescale.dataSource(), tag, from, to);

      // from lies half a second after a sample, to on one (excluded): 3600 s hold 3599 samples
      assertEquals(3599, expected.size(), "one reading a second in [from, to)");
      assertTrue(expected.stream().anyMatch(p -> p.value() == null), "fixture has nulls");
      assertTrue(expected.stream().anyMatch(p -> p.value() != null && p.value().isNaN()), "and NaNs");
      assertEquals(expected, actual, "tag " + tag);
    }
  }

  @Test
  void oneMinuteTrendIsTheSameInRealTimeAndAfterRefresh() throws SQLException {
    Instant from = FROM.minus(Duration.ofMinutes(5));
    Instant to = FROM.plus(SPAN).plus(Duration.ofMinutes(5));
    List<List<TrendBucket>> expected = new ArrayList<>();
    for (int tag = 1; tag <= TAGS; tag++) {
      expected.add(ReadingQueries.trend1m(plain.dataSource(), tag, from, to));
      // 2 h from hh:00:17: 120 minutes plus the partial one at the end
      assertEquals(121, expected.get(tag - 1).size());
    }
    // Nothing materialised yet: real-time aggregation computes every minute from reading.
    assertEquals(0, materialisedRows());
    for (int tag = 1; tag <= TAGS; tag++) {
      assertSameBuckets(expected.get(tag - 1),
          ReadingQueries.trend1m(timescale.dataSource(), tag, from, to), "real time, tag " + tag);
    }

    // What the refresh policy does in production; here by hand (the server runs no jobs).
    execute(timescale.dataSource(), "call refresh_continuous_aggregate('reading_1m', null, null)");

    assertTrue(materialisedRows() > 0, "the refresh materialised the buckets");
    for (int tag = 1; tag <= TAGS; tag++) {
      assertSameBuckets(expected.get(tag - 1),
          ReadingQueries.trend1m(timescale.dataSource(), tag, from, to), "materialised, tag " + tag);
    }
  }

  @Test
  void readingOneMinuteRelationIsTheSameInBothModes() throws SQLException {
    // the view and the continuous aggregate themselves, all tags, for ad-hoc SQL and reports
    String sql = "select bucket, min_value, max_value, avg_value, sample_count, last_value"
        + " from reading_1m order by tag_id, bucket";
    List<TrendBucket> expected = buckets(plain.dataSource(), sql);

    List<TrendBucket> actual = buckets(timescale.dataSource(), sql);

    assertEquals(TAGS * 121, expected.size());
    LOG.info("parity: reading_1m rows={} in both modes", expected.size());
    assertSameBuckets(expected, actual, "reading_1m");
  }

  /** Equal, except that avg may differ in the last bits with the order of summation. */
  static void assertSameBuckets(List<TrendBucket> expected, List<TrendBucket> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": buckets");
    assertFalse(expected.isEmpty(), what + ": no buckets to compare");
    for (int i = 0; i < expected.size(); i++) {
      TrendBucket e = expected.get(i);
      TrendBucket a = actual.get(i);
      String at = what + " at " + e.bucket();
      assertEquals(e.bucket(), a.bucket(), at);
      assertEquals(e.min(), a.min(), at + ": min");
      assertEquals(e.max(), a.max(), at + ": max");
      assertEquals(e.sampleCount(), a.sampleCount(), at + ": count");
      assertEquals(e.last(), a.last(), at + ": last");
      if (e.avg() == null || e.avg().isNaN()) {
        assertEquals(e.avg(), a.avg(), at + ": avg");
      } else {
        assertEquals(e.avg(), a.avg(), 1e-9 * Math.max(1, Math.abs(e.avg())), at + ": avg");
      }
    }
  }

  private static long materialisedRows() throws SQLException {
    String table;
    try (Connection c = timescale.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("select format('%I.%I',"
            + " materialization_hypertable_schema, materialization_hypertable_name)"
            + " from timescaledb_information.continuous_aggregates where view_schema = ?")) {
      ps.setString(1, timescale.name());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "reading_1m is a continuous aggregate");
        table = rs.getString(1);
      }
    }
    return count(timescale.dataSource(), "select count(*) from " + table);
  }

  private static List<TrendBucket> buckets(DataSource dataSource, String sql) throws SQLException {
    List<TrendBucket> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(new TrendBucket(rs.getObject(1, java.time.OffsetDateTime.class).toInstant(),
            nullable(rs, 2), nullable(rs, 3), nullable(rs, 4), rs.getLong(5), nullable(rs, 6)));
      }
    }
    return out;
  }

  private static Double nullable(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  private static long count(DataSource dataSource, String sql) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(DataSource dataSource, String sql) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
