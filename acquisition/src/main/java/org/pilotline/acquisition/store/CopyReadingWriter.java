package org.pilotline.acquisition.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.pilotline.acquisition.line.Reading;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

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
  static final String QUARANTINE_BATCH_SQL = """
      insert into quarantine_batch (quarantined_at, spool_id, last_seq, rows_offered, rows_quarantined,
                                    sql_state, reason)
      values (now(), ?, ?, ?, ?, ?, ?) returning id""";
  static final String QUARANTINE_READING_SQL = """
      insert into reading_quarantine (batch_id, ts, tag_id, value, quality, server_ts, sql_state, reason)
      values (?, ?, ?, ?, ?, ?, ?, ?)""";
  private static final Pattern COPY_LINE = Pattern.compile("COPY \\S+, line (\\d+)");
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
    inTransaction(c -> {
      if (!readings.isEmpty()) {
        copy(c, readings);
      }
      if (spoolId != null) {
        mark(c, spoolId, lastSeq);
      }
      return null;
    });
  }

  /**
   * SQLSTATE class 22 (data exception: a value out of range, a bad encoding) or 23 (integrity
   * constraint violation: a check, a unique key, a foreign key, a not-null). Anything else (no
   * connection 08, a missing table 42, shutdown 57, out of resources 53, serialization 40) says
   * nothing about the data and is worth retrying.
   */
  @Override
  public boolean refusesData(Exception failure) {
    return isDataRefusal(failure);
  }

  /** See {@link #refusesData}: SQLSTATE class 22 or 23 anywhere in the cause chain. */
  static boolean isDataRefusal(Throwable failure) {
    String state = sqlState(failure);
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  /**
   * Copies what the database accepts; isolates the readings it refuses and quarantines them in
   * the same transaction, each with the database's reason. A refused COPY is rolled back to a
   * savepoint and split: at the row PostgreSQL names in its error context ("COPY reading, line
   * N"): the rows before it are copied, row N is refused, the rest tried again; without that
   * hint (a deferred constraint, a trigger's own message) the rows are halved. k refused rows
   * among n cost about k + 1 COPYs with the hint, k log2 n without.
   */
  @Override
  public List<QuarantinedReading> writeQuarantining(List<Reading> readings, String spoolId, long lastSeq)
      throws SQLException {
    return inTransaction(c -> {
      // a deferred constraint would refuse the whole batch at commit, past every savepoint
      try (Statement s = c.createStatement()) {
        s.execute("set constraints all immediate");
      }
      List<QuarantinedReading> refused = new ArrayList<>();
      copyIsolating(c, readings, refused);
      if (!refused.isEmpty()) {
        quarantine(c, refused, spoolId, lastSeq, readings.size());
      }
      if (spoolId != null) {
        mark(c, spoolId, lastSeq);
      }
      return refused;
    });
  }

  private interface TransactionBody<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T inTransaction(TransactionBody<T> body) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = body.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
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

  private void copy(Connection c, List<Reading> readings) throws SQLException {
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
    } catch (SQLException | RuntimeException e) {
      cancelQuietly(copy, e);
      throw e;
    } finally {
      encoder.reset();
    }
  }

  private void copyIsolating(Connection c, List<Reading> rows, List<QuarantinedReading> refused)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    Savepoint savepoint = c.setSavepoint();
    try {
      copy(c, rows);
      c.releaseSavepoint(savepoint);
      return;
    } catch (SQLException e) {
      c.rollback(savepoint);
      if (!refusesData(e)) {
        throw e;
      }
      int line = copyLine(e);
      if (rows.size() == 1 || line == 1) {
        refused.add(new QuarantinedReading(rows.get(0), e.getSQLState(), reason(e)));
        copyIsolating(c, rows.subList(1, rows.size()), refused);
      } else if (line > 1 && line <= rows.size()) {
        // rows before the named one passed their checks in this very COPY
        copyIsolating(c, rows.subList(0, line - 1), refused);
        copyIsolating(c, rows.subList(line - 1, rows.size()), refused);
      } else {
        int mid = rows.size() / 2;
        copyIsolating(c, rows.subList(0, mid), refused);
        copyIsolating(c, rows.subList(mid, rows.size()), refused);
      }
    }
  }

  private static void quarantine(Connection c, List<QuarantinedReading> refused, String spoolId,
      long lastSeq, int offered) throws SQLException {
    long batchId;
    try (PreparedStatement ps = c.prepareStatement(QUARANTINE_BATCH_SQL)) {
      QuarantinedReading first = refused.get(0);
      ps.setString(1, spoolId);
      if (spoolId == null) {
        ps.setNull(2, Types.BIGINT);
      } else {
        ps.setLong(2, lastSeq);
      }
      ps.setInt(3, offered);
      ps.setInt(4, refused.size());
      ps.setString(5, first.sqlState());
      ps.setString(6, first.reason());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        batchId = rs.getLong(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(QUARANTINE_READING_SQL)) {
      for (QuarantinedReading q : refused) {
        Reading r = q.reading();
        ps.setLong(1, batchId);
        ps.setObject(2, OffsetDateTime.ofInstant(r.sourceTime(), ZoneOffset.UTC));
        ps.setInt(3, r.tagId());
        if (r.value() == null) {
          ps.setNull(4, Types.DOUBLE);
        } else {
          ps.setDouble(4, r.value());
        }
        ps.setLong(5, r.statusCode());
        ps.setObject(6, r.serverTime() == null ? null : OffsetDateTime.ofInstant(r.serverTime(), ZoneOffset.UTC),
            Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setString(7, q.sqlState());
        ps.setString(8, q.reason());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** The SQLSTATE of the failure or of the first SQLException among its causes. */
  static String sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException e && e.getSQLState() != null) {
        return e.getSQLState();
      }
    }
    return null;
  }

  /** The row PostgreSQL names in a COPY error's context ("COPY reading, line 3"), 1-based; 0 if none. */
  static int copyLine(SQLException e) {
    if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
      String where = p.getServerErrorMessage().getWhere();
      if (where != null) {
        Matcher m = COPY_LINE.matcher(where);
        if (m.find()) {
          try {
            return Integer.parseInt(m.group(1));
          } catch (NumberFormatException ignored) {
            return 0;
          }
        }
      }
    }
    return 0;
  }

  /** The server's message and detail, without the client's prefixes. */
  static String reason(SQLException e) {
    if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
      ServerErrorMessage m = p.getServerErrorMessage();
      String detail = m.getDetail();
      return detail == null || detail.isEmpty() ? m.getMessage() : m.getMessage() + " (" + detail + ")";
    }
    return String.valueOf(e.getMessage());
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
