package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.testing.ReadingFixture;
import org.pilotline.acquisition.testing.TimescaleTestServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compression as the migrations configure it (segment by tag_id, order by ts desc) really
 * shrinks chunks of readings older than the policy's 7 days, and the trends read the same.
 */
@Tag("timescaledb")
class TimescaleCompressionIT {
  private static final Logger LOG = LoggerFactory.getLogger(TimescaleCompressionIT.class);
  private static final int TAGS = 3;

  private TimescaleTestServer.Schema schema;

  @BeforeEach
  void createSchema() throws SQLException {
    schema = TimescaleTestServer.shared().createSchema("tscompress");
    SchemaMigrator.migrate(schema.dataSource(), schema.name());
    TimescaleTestServer.announceVersion(schema.dataSource());
  }

  @AfterEach
  void dropSchema() {
    schema.close();
  }

  @Test
  void compressingOldChunksShrinksThemAndKeepsTheirReadings() throws SQLException {
    // 30 days old, 23:00 to 01:00: two hours across a day boundary, so two 1-day chunks
    Instant from = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(30, ChronoUnit.DAYS)
        .minus(1, ChronoUnit.HOURS);
    List<Reading> readings =
        ReadingFixture.generate(7L, TAGS, from, Duration.ofHours(2), Duration.ofSeconds(1));
    ReadingFixture.insert(schema.dataSource(), readings, TimescaleTestServer.MAX_BATCH);
    Instant to = from.plus(Duration.ofHours(2));
    List<TrendBucket> trendBefore = ReadingQueries.trend1m(schema.dataSource(), 2, from, to);
    List<TrendPoint> rawBefore = ReadingQueries.trend(schema.dataSource(), 2, from, to);
    Map<String, Long> before = longs(
        "select chunk_name, total_bytes from chunks_detailed_size('reading') order by chunk_name");
    assertEquals(2, before.size(), "chunks: " + before);

    assertEquals(2, longs("select c::text, 1 from show_chunks('reading') c"
        + " where compress_chunk(c) is not null").size());

    assertEquals(Map.of("true", 2L), longs("select is_compressed::text, count(*)"
        + " from timescaledb_information.chunks where hypertable_schema = current_schema()"
        + " group by 1"));
    Map<String, Long> after = longs("select chunk_name, after_compression_total_bytes"
        + " from chunk_compression_stats('reading') order by chunk_name");
    assertEquals(before.keySet(), after.keySet());
    for (String chunk : before.keySet()) {
      LOG.info("compression: chunk={}, bytes before={}, after={}",
          chunk, before.get(chunk), after.get(chunk));
      assertTrue(after.get(chunk) < before.get(chunk),
          chunk + ": " + before.get(chunk) + " -> " + after.get(chunk) + " bytes");
    }
    long totalBefore = before.values().stream().mapToLong(Long::longValue).sum();
    long totalAfter = after.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("compression: %d rows in %d chunks, %d -> %d bytes (%.1fx)%n",
        readings.size(), before.size(), totalBefore, totalAfter, (double) totalBefore / totalAfter);
    assertEquals(rawBefore, ReadingQueries.trend(schema.dataSource(), 2, from, to));
    TimescaleParityIT.assertSameBuckets(trendBefore,
        ReadingQueries.trend1m(schema.dataSource(), 2, from, to), "after compression");
  }

  /** Two-column rows (text, bigint) in query order. */
  private Map<String, Long> longs(String sql) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }
}
