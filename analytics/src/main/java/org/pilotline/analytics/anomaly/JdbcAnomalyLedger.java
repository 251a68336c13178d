package org.pilotline.analytics.anomaly;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link AnomalyLedger} on the {@code anomaly}, {@code cell_verdict} and {@code audit_log} tables. */
public final class JdbcAnomalyLedger implements AnomalyLedger {
  private static final String COLUMNS = """
      id, subject_kind, subject_id, model_kind, model_version, detected_at, score, threshold,
      contributions::text, state, acknowledged_by, acknowledged_at, comment""";
  private static final String INSERT = """
      insert into anomaly (subject_kind, subject_id, model_kind, model_version, detected_at, score,
                           threshold, contributions, model_id)
      values (?, ?, ?, ?, ?, ?, ?, ?::jsonb,
              (select id from model where kind = ? and version = ?))
      on conflict on constraint anomaly_once do nothing""";
  private static final String BY_KEY = "select " + COLUMNS + """
       from anomaly
      where subject_kind = ? and subject_id = ? and model_kind = ? and model_version = ?""";
  private static final String BY_ID = "select " + COLUMNS + " from anomaly where id = ?";
  private static final String BY_ID_LOCKED = BY_ID + " for update";
  private static final String OPEN = "select " + COLUMNS
      + " from anomaly where state = 'open' order by detected_at desc, id desc limit ?";
  private static final String ACK = """
      update anomaly set state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, comment = ?
       where id = ?""";
  private static final String AUDIT = """
      insert into audit_log (at, actor, channel, action, subject, detail)
      values (?, ?, ?, 'anomaly.acknowledge', ?, ?::jsonb)""";
  private static final String VERDICT = """
      insert into cell_verdict (cell_id, completed_at, scored_at, ok, model_kind, model_version,
                                score, threshold, top_cause, anomaly_id, stations)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      on conflict (cell_id) do update set completed_at = excluded.completed_at,
        scored_at = excluded.scored_at, ok = excluded.ok, model_kind = excluded.model_kind,
        model_version = excluded.model_version, score = excluded.score,
        threshold = excluded.threshold, top_cause = excluded.top_cause,
        anomaly_id = excluded.anomaly_id, stations = excluded.stations""";
  private static final String LATEST_VERDICTS = """
      select cell_id, completed_at, scored_at, ok, model_kind, model_version, score, threshold,
             top_cause, anomaly_id, stations
        from cell_verdict order by completed_at desc, cell_id desc limit ?""";

  private final DataSource dataSource;

  public JdbcAnomalyLedger(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public Anomaly record(Anomaly a) {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        ps.setString(1, a.subjectKind());
        ps.setString(2, a.subjectId());
        ps.setString(3, a.modelKind());
        ps.setInt(4, a.modelVersion());
        ps.setObject(5, utc(a.detectedAt()));
        ps.setDouble(6, a.score());
        ps.setDouble(7, a.threshold());
        ps.setString(8, AnomalyJson.contributions(a.contributions()).encode());
        ps.setString(9, a.modelKind());
        ps.setInt(10, a.modelVersion());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(BY_KEY)) {
        ps.setString(1, a.subjectKind());
        ps.setString(2, a.subjectId());
        ps.setString(3, a.modelKind());
        ps.setInt(4, a.modelVersion());
        return one(ps).orElseThrow(() -> new IllegalStateException(
            "anomaly vanished after insert: subject=" + a.subjectId()));
      }
    } catch (SQLException e) {
      throw failure("record anomaly subject=" + a.subjectId(), e);
    }
  }

  @Override
  public void recordVerdict(CellVerdict v) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(VERDICT)) {
      ps.setString(1, v.cellId());
      ps.setObject(2, utc(v.completedAt()));
      ps.setObject(3, utc(v.scoredAt()));
      ps.setBoolean(4, v.ok());
      ps.setString(5, v.modelKind());
      ps.setInt(6, v.modelVersion());
      ps.setDouble(7, v.score());
      ps.setDouble(8, v.threshold());
      ps.setString(9, v.topCause());
      if (v.anomalyId() == null) {
        ps.setNull(10, Types.BIGINT);
      } else {
        ps.setLong(10, v.anomalyId());
      }
      ps.setArray(11, c.createArrayOf("text", v.stations().toArray()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("record verdict cell=" + v.cellId(), e);
    }
  }

  @Override
  public List<CellVerdict> latestVerdicts(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(LATEST_VERDICTS)) {
      ps.setInt(1, limit);
      List<CellVerdict> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long anomalyId = rs.getLong(10);
          Long anomaly = rs.wasNull() ? null : anomalyId;
          String[] stations = (String[]) rs.getArray(11).getArray();
          out.add(new CellVerdict(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
              rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getBoolean(4), rs.getString(5),
              rs.getInt(6), rs.getDouble(7), rs.getDouble(8), rs.getString(9), anomaly,
              List.of(stations)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("list latest verdicts", e);
    }
  }

  @Override
  public Optional<Anomaly> find(long id) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BY_ID)) {
      ps.setLong(1, id);
      return one(ps);
    } catch (SQLException e) {
      throw failure("find anomaly id=" + id, e);
    }
  }

  @Override
  public List<Anomaly> open(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(OPEN)) {
      ps.setInt(1, limit);
      return all(ps);
    } catch (SQLException e) {
      throw failure("list open anomalies", e);
    }
  }

  @Override
  public AckResult acknowledge(long id, String user, String comment, Instant at, String channel) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(channel, "channel");
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        AckResult result = acknowledge(c, id, user, comment, at, channel);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("acknowledge anomaly id=" + id, e);
    }
  }

  private static AckResult acknowledge(Connection c, long id, String user, String comment,
      Instant at, String channel) throws SQLException {
    Optional<Anomaly> current;
    try (PreparedStatement ps = c.prepareStatement(BY_ID_LOCKED)) {
      ps.setLong(1, id);
      current = one(ps);
    }
    if (current.isEmpty()) {
      return new AckResult.NotFound(id);
    }
    if (current.get().state() == Anomaly.State.ACKNOWLEDGED) {
      return new AckResult.AlreadyAcknowledged(current.get());
    }
    try (PreparedStatement ps = c.prepareStatement(ACK)) {
      ps.setString(1, user);
      ps.setObject(2, utc(at));
      ps.setString(3, comment);
      ps.setLong(4, id);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(AUDIT)) {
      ps.setObject(1, utc(at));
      ps.setString(2, user);
      ps.setString(3, channel);
      ps.setString(4, "anomaly:" + id);
      ps.setString(5, new JsonObject().put("comment", comment).encode());
      ps.executeUpdate();
    }
    Anomaly a = current.get();
    return new AckResult.Acknowledged(new Anomaly(a.id(), a.subjectKind(), a.subjectId(),
        a.modelKind(), a.modelVersion(), a.detectedAt(), a.score(), a.threshold(),
        a.contributions(), Anomaly.State.ACKNOWLEDGED, user, at, comment));
  }

  private static Optional<Anomaly> one(PreparedStatement ps) throws SQLException {
    List<Anomaly> rows = all(ps);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private static List<Anomaly> all(PreparedStatement ps) throws SQLException {
    List<Anomaly> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        OffsetDateTime ackAt = rs.getObject(12, OffsetDateTime.class);
        rows.add(new Anomaly(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getInt(5), rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getDouble(7),
            rs.getDouble(8), AnomalyJson.contributions(rs.getString(9)),
            Anomaly.State.valueOf(rs.getString(10).toUpperCase(java.util.Locale.ROOT)),
            rs.getString(11), ackAt == null ? null : ackAt.toInstant(), rs.getString(13)));
      }
    }
    return rows;
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("anomaly ledger: " + what + ": " + e.getMessage(), e);
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
