package org.pilotline.acquisition.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.pilotline.acquisition.line.Reading;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes readings with PostgreSQL binary COPY, one transaction per call. Blocking: call it from
 * a worker thread, never an event loop. Not thread-safe: one caller at a time.
 */
public final class CopyReadingWriter implements ReadingSink {
  static final String MARK_SQL = """
      insert into spool_commit (spool_id, last_seq, committed_at) values (?, ?, now())
      on conflict (spool_id) do update
         set last_seq = greatest(spool_commit.last_seq, excluded.last_seq),
             committed_at = excluded.committed_at""";
  static final String COMMITTED_SQL = "select last_seq from spool_commit where spool_id = ?";
  static final String COPY_SQL =
      "COPY reading(ts, tag_id, value, quality, server_ts) FROM STDIN (FORMAT binary)";
  // Hand the driver ~1 MiB at a time: big enough to amortise calls, small enough to stay in cache.
  private static final int CHUNK_BYTES = 1 << 20;

  private final DataSource dataSource;
  private final PgCopyEncoder encoder = new PgCopyEncoder(CHUNK_BYTES + 256);

  public CopyReadingWriter(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * Copies and commits all readings; on any failure nothing is committed.
   *
   * @throws IllegalArgumentException when a reading is not {@link PgCopyEncoder#encodable}
   */
  @Override
  public void write(List<Reading> readings) throws SQLException {
    write(readings, null, 0);
  }

  /** Copies the readings and moves the spool's mark to {@code lastSeq}, in one transaction. */
  @Override
  public void write(List<Reading> readings, String spoolId, long lastSeq) throws SQLException {
    if (readings.isEmpty() && spoolId == null) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      CopyIn copy = null;
      try {
        if (readings.isEmpty()) {
          mark(c, spoolId, lastSeq);
          c.commit();
          return;
        }
        copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
        encoder.reset();
        encoder.header();
        for (Reading r : readings) {
          encoder.row(r);
          if (encoder.size() >= CHUNK_BYTES) {
            copy.writeToCopy(encoder.buffer(), 0, encoder.size());
            encoder.reset();
          }
        }
        encoder.trailer();
        copy.writeToCopy(encoder.buffer(), 0, encoder.size());
        long rows = copy.endCopy();
        if (rows != readings.size()) {
          throw new SQLException("COPY stored " + rows + " rows of " + readings.size());
        }
        if (spoolId != null) {
          mark(c, spoolId, lastSeq);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        cancelQuietly(copy, e);
        rollbackQuietly(c, e);
        throw e;
      } finally {
        encoder.reset();
        if (!c.isClosed()) {
          try {
            c.setAutoCommit(autoCommit);
          } catch (SQLException e) {
            // the pool resets or evicts the connection anyway
          }
        }
      }
    }
  }

  @Override
  public long committedSeq(String spoolId) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(COMMITTED_SQL)) {
      ps.setString(1, spoolId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private static void mark(Connection c, String spoolId, long lastSeq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(MARK_SQL)) {
      ps.setString(1, spoolId);
      ps.setLong(2, lastSeq);
      ps.executeUpdate();
    }
  }

  private static void cancelQuietly(CopyIn copy, Exception cause) {
    if (copy != null && copy.isActive()) {
      try {
        copy.cancelCopy();
      } catch (SQLException e) {
        cause.addSuppressed(e);
      }
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
