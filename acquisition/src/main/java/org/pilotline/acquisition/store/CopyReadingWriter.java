package org.pilotline.acquisition.store;

import java.sql.Connection;
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
    if (readings.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      CopyIn copy = null;
      try {
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
