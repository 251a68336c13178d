package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.Quality;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.testing.TestDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class CopyReadingWriterIT {
  private static final Logger LOG = LoggerFactory.getLogger(CopyReadingWriterIT.class);
  private static final long BAD_NODE_ID_UNKNOWN = 0x8034_0000L;
  private static TestDatabase.Schema schema;
  private CopyReadingWriter writer;

  @BeforeAll
  static void migrate() throws SQLException {
    schema = TestDatabase.createMigratedSchema("copywriter");
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  @BeforeEach
  void emptyReadings() throws SQLException {
    execute("truncate reading");
    writer = new CopyReadingWriter(schema.dataSource());
  }

  @Test
  void everyReadingRoundTripsExactly() throws SQLException {
    // the awkward cases, each many times over, among ordinary values
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    SplittableRandom random = new SplittableRandom(42);
    List<Reading> readings = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      int tag = i % 100;
      Instant ts = now.minusMillis(100_000 - i).plusNanos(random.nextInt(1000) * 1000L);
      Instant server = ts.plusMillis(3);
      Double value = random.nextDouble() * 1e6 - 5e5;
      long status = 0;
      switch (i % 10) {
        case 1 -> value = null;
        case 2 -> value = Double.NaN;
        case 3 -> value = Double.POSITIVE_INFINITY;
        case 4 -> value = Double.NEGATIVE_INFINITY;
        case 5 -> status = BAD_NODE_ID_UNKNOWN;
        case 6 -> server = null;
        case 7 -> ts = now.plus(1, ChronoUnit.DAYS).plusMillis(i); // source clock a day ahead
        case 8 -> status = 0x4000_0000L | i; // uncertain, with low bits set
        case 9 -> value = -0.0;
        default -> { }
      }
      readings.add(new Reading(tag, ts, server, value, status));
    }

    for (int from = 0; from < readings.size(); from += 7_000) {
      writer.write(readings.subList(from, Math.min(readings.size(), from + 7_000)));
    }

    List<Reading> expected = new ArrayList<>(readings);
    expected.sort(ORDER);
    List<Reading> stored = readAll();
    assertEquals(expected.size(), stored.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), stored.get(i), "row " + i);
    }
    assertEquals(Quality.BAD, stored.stream().filter(r -> r.statusCode() == BAD_NODE_ID_UNKNOWN)
        .findFirst().orElseThrow().quality());
  }

  @Test
  void failedCopyCommitsNothing() throws SQLException {
    Reading good = new Reading(1, Instant.parse("2026-01-01T00:00:00Z"), null, 1.0, 0L);
    Reading impossible = new Reading(1, Instant.parse("+300000-01-01T00:00:00Z"), null, 1.0, 0L);

    assertThrows(IllegalArgumentException.class, () -> writer.write(List.of(good, impossible)));

    assertEquals(0L, count());
    writer.write(List.of(good));
    assertEquals(1L, count(), "the writer stays usable after a failure");
  }

  @Test
  void millionReadingsIntoTheIndexedTable() throws SQLException {
    // A throughput figure for the log, not a benchmark: 1,000 tags sampled every 10 ms.
    int rows = 1_000_000;
    int batch = 10_000;
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    List<Reading> all = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      all.add(new Reading(i % 1000, start.plusMillis((i / 1000) * 10L), start.plusMillis((i / 1000) * 10L + 1),
          Math.sin(i * 0.001), 0L));
    }
    long t0 = System.nanoTime();
    for (int from = 0; from < rows; from += batch) {
      writer.write(all.subList(from, from + batch));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    LOG.info("binary COPY throughput: rows={}, batchRows={}, seconds={}, rowsPerSecond={}, server={}",
        rows, batch, String.format("%.2f", seconds), String.format("%.0f", rows / seconds), serverVersion());
    assertEquals(rows, count());
  }

  private static final Comparator<Reading> ORDER = Comparator.comparingInt(Reading::tagId)
      .thenComparing(Reading::sourceTime);

  private List<Reading> readAll() throws SQLException {
    List<Reading> out = new ArrayList<>();
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select ts, tag_id, value, quality, server_ts from reading order by tag_id, ts")) {
      while (rs.next()) {
        Instant ts = rs.getObject(1, OffsetDateTime.class).toInstant();
        double v = rs.getDouble(3);
        Double value = rs.wasNull() ? null : v;
        OffsetDateTime server = rs.getObject(5, OffsetDateTime.class);
        out.add(new Reading(rs.getInt(2), ts, server == null ? null : server.toInstant(), value, rs.getLong(4)));
      }
    }
    return out;
  }

  private long count() throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from reading")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private String serverVersion() throws SQLException {
    try (Connection c = schema.dataSource().getConnection()) {
      return c.getMetaData().getDatabaseProductVersion();
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
