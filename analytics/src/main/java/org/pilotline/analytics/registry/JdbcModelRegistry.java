package org.pilotline.analytics.registry;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.pilotline.analytics.model.AnomalyModel;
import org.pilotline.analytics.model.Imputation;
import org.pilotline.analytics.model.ModelCodec;
import org.pilotline.analytics.model.ModelKind;
import org.pilotline.analytics.model.TrainedModel;

/** {@link ModelRegistry} on the {@code model} table; the model itself in {@link ModelCodec} bytes. */
public final class JdbcModelRegistry implements ModelRegistry {
  private static final String COLUMNS = """
      id, kind, version, feature_schema_version, parameters::text, train_from, train_to,
      training_cells, threshold, metrics::text, active, created_at""";
  // The lock serialises "max + 1" between concurrent trainings of one database; readers and
  // scoring are not blocked by it (SHARE ROW EXCLUSIVE conflicts only with writers).
  private static final String LOCK = "lock table model in share row exclusive mode";
  private static final String INSERT = """
      insert into model (kind, version, feature_schema_version, parameters, train_from, train_to,
                         training_cells, threshold, metrics, serialized)
      values (?, (select coalesce(max(version), 0) + 1 from model where kind = ?), ?, ?::jsonb, ?,
              ?, ?, ?, ?::jsonb, ?)
      returning id""";
  private static final String BY_ID = "select " + COLUMNS + " from model where id = ?";
  private static final String BY_VERSION = "select " + COLUMNS
      + " from model where kind = ? and version = ?";
  private static final String LIST = "select " + COLUMNS
      + " from model where kind = ? order by version desc";
  private static final String ACTIVE = "select " + COLUMNS + ", serialized"
      + " from model where kind = ? and active";
  private static final String ACTIVE_VERSIONS = "select kind, version from model where active";
  private static final String DEACTIVATE = "update model set active = false where kind = ? and active";
  private static final String ACTIVATE = "update model set active = true where kind = ? and version = ?";
  private static final String PREVIOUS = """
      select max(version) from model where kind = ?
         and version < (select version from model where kind = ? and active)""";

  private final DataSource dataSource;

  public JdbcModelRegistry(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public ModelVersion save(AnomalyModel model, Imputation imputation, int featureSchemaVersion,
      Instant trainFrom, Instant trainTo, Map<String, Object> metrics) {
    TrainedModel t = model.trained();
    byte[] bytes = ModelCodec.encode(model, imputation);
    Map<String, Object> parameters = new LinkedHashMap<>(t.parameters());
    parameters.put("maxMissingFraction", imputation.maxMissingFraction());
    parameters.put("targetFalseAlarmRate", t.targetFalseAlarmRate());
    parameters.put("features", t.featureNames());
    return inTransaction("save " + t.kind() + " model", c -> {
      try (Statement s = c.createStatement()) {
        s.execute(LOCK);
      }
      long id;
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        ps.setString(1, t.kind().name());
        ps.setString(2, t.kind().name());
        ps.setInt(3, featureSchemaVersion);
        ps.setString(4, new JsonObject(parameters).encode());
        setInstant(ps, 5, trainFrom);
        setInstant(ps, 6, trainTo);
        ps.setInt(7, t.trainingRows());
        ps.setDouble(8, t.threshold());
        ps.setString(9, new JsonObject(new LinkedHashMap<>(metrics)).encode());
        ps.setBytes(10, bytes);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
      }
      try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
        ps.setLong(1, id);
        return one(ps).orElseThrow();
      }
    });
  }

  @Override
  public ModelVersion activate(ModelKind kind, int version) {
    return inTransaction("activate " + kind + " v" + version, c -> activate(c, kind, version));
  }

  private static ModelVersion activate(Connection c, ModelKind kind, int version)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DEACTIVATE)) {
      ps.setString(1, kind.name());
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(ACTIVATE)) {
      ps.setString(1, kind.name());
      ps.setInt(2, version);
      if (ps.executeUpdate() == 0) {
        throw new NoSuchElementException("no " + kind + " model version " + version);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(BY_VERSION)) {
      ps.setString(1, kind.name());
      ps.setInt(2, version);
      return one(ps).orElseThrow();
    }
  }

  @Override
  public Optional<RegisteredModel> active(ModelKind kind) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ACTIVE)) {
      ps.setString(1, kind.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        ModelVersion v = version(rs);
        ModelCodec.Decoded decoded;
        try {
          decoded = ModelCodec.decode(rs.getBytes(13));
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("model registry: " + kind + " v" + v.version()
              + " (id " + v.id() + ") cannot be read: " + e.getMessage(), e);
        }
        return Optional.of(new RegisteredModel(v, decoded.model(), decoded.imputation()));
      }
    } catch (SQLException e) {
      throw failure("load active " + kind, e);
    }
  }

  @Override
  public Map<ModelKind, Integer> activeVersions() {
    Map<ModelKind, Integer> versions = new EnumMap<>(ModelKind.class);
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(ACTIVE_VERSIONS)) {
      while (rs.next()) {
        versions.put(ModelKind.valueOf(rs.getString(1)), rs.getInt(2));
      }
    } catch (SQLException e) {
      throw failure("read active versions", e);
    }
    return versions;
  }

  @Override
  public List<ModelVersion> list(ModelKind kind) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LIST)) {
      ps.setString(1, kind.name());
      return all(ps);
    } catch (SQLException e) {
      throw failure("list " + kind, e);
    }
  }

  @Override
  public ModelVersion rollback(ModelKind kind) {
    return inTransaction("roll back " + kind, c -> {
      try (Statement s = c.createStatement()) {
        s.execute(LOCK);
      }
      Integer previous;
      try (PreparedStatement ps = c.prepareStatement(PREVIOUS)) {
        ps.setString(1, kind.name());
        ps.setString(2, kind.name());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          int v = rs.getInt(1);
          previous = rs.wasNull() ? null : v;
        }
      }
      if (previous == null) {
        List<ModelVersion> versions = list(c, kind);
        Optional<ModelVersion> active = versions.stream().filter(ModelVersion::active).findFirst();
        throw new IllegalStateException(active.isEmpty()
            ? "cannot roll back " + kind + ": no version is active (" + versions.size()
                + " stored)"
            : "cannot roll back " + kind + ": v" + active.get().version()
                + " is active and there is no earlier version");
      }
      return activate(c, kind, previous);
    });
  }

  private static List<ModelVersion> list(Connection c, ModelKind kind) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(LIST)) {
      ps.setString(1, kind.name());
      return all(ps);
    }
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T inTransaction(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static Optional<ModelVersion> one(PreparedStatement ps) throws SQLException {
    List<ModelVersion> rows = all(ps);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private static List<ModelVersion> all(PreparedStatement ps) throws SQLException {
    List<ModelVersion> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(version(rs));
      }
    }
    return rows;
  }

  private static ModelVersion version(ResultSet rs) throws SQLException {
    return new ModelVersion(rs.getLong(1), ModelKind.valueOf(rs.getString(2)), rs.getInt(3),
        rs.getInt(4), new JsonObject(rs.getString(5)).getMap(), instant(rs, 6), instant(rs, 7),
        rs.getInt(8), rs.getDouble(9), new JsonObject(rs.getString(10)).getMap(),
        rs.getBoolean(11), instant(rs, 12));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(i, t.atOffset(ZoneOffset.UTC));
    }
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("model registry: " + what + ": " + e.getMessage(), e);
  }
}
