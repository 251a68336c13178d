package org.pilotline.acquisition.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.pilotline.acquisition.line.Reading;

/**
 * Seeded readings for storage tests, and a loader that uses small batched INSERTs.
 *
 * <p>The loader exists for the TimescaleDB lane's server, which crashes on COPY and drops the
 * connection on JDBC batches of more than about 50 statements; production keeps
 * {@code CopyReadingWriter}. The same loader fills the plain-PostgreSQL side of parity tests,
 * so both sides receive identical rows by the same path.
 */
public final class ReadingFixture {
  /** OPC UA Bad (0x80000000), stored with a null value. */
  public static final long BAD = 0x8000_0000L;

  private ReadingFixture() {}

  /**
   * One reading per tag per {@code step} in [{@code from}, {@code from + span}) for tag ids
   * 1..{@code tags}: a slow sine per tag plus seeded noise; every 97th sample of a tag is Bad
   * with a null value and every 331st (offset 5) is a Good NaN, as equipment can report.
   */
  public static List<Reading> generate(long seed, int tags, Instant from, Duration span,
      Duration step) {
    Random random = new Random(seed);
    List<Reading> out = new ArrayList<>();
    long samples = span.dividedBy(step);
    for (int i = 0; i < samples; i++) {
      Instant ts = from.plus(step.multipliedBy(i));
      for (int tag = 1; tag <= tags; tag++) {
        double noise = random.nextGaussian() * 0.2;
        if (i % 97 == 0) {
          out.add(new Reading(tag, ts, ts, null, BAD));
        } else if (i % 331 == 5) {
          out.add(new Reading(tag, ts, ts, Double.NaN, 0));
        } else {
          double v = 20 * tag + 5 * Math.sin(2 * Math.PI * i / 600.0 + tag) + noise;
          out.add(new Reading(tag, ts, ts, v, 0));
        }
      }
    }
    return out;
  }

  /** Inserts all readings in one transaction, {@code batchSize} statements per JDBC batch. */
  public static void insert(DataSource dataSource, List<Reading> readings, int batchSize)
      throws SQLException {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "insert into reading (ts, tag_id, value, quality, server_ts) values (?, ?, ?, ?, ?)")) {
        int pending = 0;
        for (Reading r : readings) {
          ps.setObject(1, r.sourceTime().atOffset(ZoneOffset.UTC));
          ps.setInt(2, r.tagId());
          if (r.value() == null) {
            ps.setNull(3, Types.DOUBLE);
          } else {
            ps.setDouble(3, r.value());
          }
          ps.setLong(4, r.statusCode());
          ps.setObject(5, r.serverTime() == null ? null : r.serverTime().atOffset(ZoneOffset.UTC));
          ps.addBatch();
          if (++pending == batchSize) {
            ps.executeBatch();
            pending = 0;
          }
        }
        if (pending > 0) {
          ps.executeBatch();
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
}
