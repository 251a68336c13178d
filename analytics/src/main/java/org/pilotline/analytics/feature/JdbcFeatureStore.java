package org.pilotline.analytics.feature;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link FeatureStore} on {@code cell_feature}. The vector is a jsonb object in schema order; a
 * missing value (NaN) is stored as JSON null, since JSON has no NaN.
 */
public final class JdbcFeatureStore implements FeatureStore {
  private static final String UPSERT = """
      insert into cell_feature (cell_id, schema_version, completed_at, built_at, features)
      values (?, ?, ?, ?, ?::jsonb)
      on conflict (cell_id, schema_version) do update set completed_at = excluded.completed_at,
        built_at = excluded.built_at, features = excluded.features""";
  private static final String BETWEEN = """
      select cell_id, completed_at, features::text from cell_feature
       where schema_version = ? and completed_at >= ? and completed_at < ?
       order by completed_at, cell_id""";

  private final DataSource dataSource;
  private final Clock clock;

  public JdbcFeatureStore(DataSource dataSource, Clock clock) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void save(FeatureVector v) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
      ps.setString(1, v.cellId());
      ps.setInt(2, v.schemaVersion());
      ps.setObject(3, utc(v.completedAt()));
      ps.setObject(4, utc(clock.instant()));
      ps.setString(5, toJson(v).encode());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("feature store: save cell=" + v.cellId() + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public List<FeatureVector> between(int schemaVersion, Instant from, Instant to) {
    List<FeatureVector> vectors = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BETWEEN)) {
      ps.setInt(1, schemaVersion);
      ps.setObject(2, utc(from));
      ps.setObject(3, utc(to));
      ps.setFetchSize(5000);
      // a fetch size takes effect only inside a transaction (pgjdbc streams with a cursor then)
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          vectors.add(fromJson(rs.getString(1), schemaVersion,
              rs.getObject(2, OffsetDateTime.class).toInstant(), new JsonObject(rs.getString(3))));
        }
      } finally {
        c.rollback(); // read only; unlike commit, it cannot fail over an aborted transaction
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("feature store: read schema v" + schemaVersion + " ["
          + from + ", " + to + "): " + e.getMessage(), e);
    }
    return vectors;
  }

  /** The highest feature-schema version stored, if any vector is. */
  public java.util.OptionalInt latestSchemaVersion() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select max(schema_version) from cell_feature");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      int v = rs.getInt(1);
      return rs.wasNull() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(v);
    } catch (SQLException e) {
      throw new IllegalStateException("feature store: latest schema version: " + e.getMessage(), e);
    }
  }

  static JsonObject toJson(FeatureVector v) {
    JsonObject json = new JsonObject();
    double[] values = v.values();
    for (int i = 0; i < values.length; i++) {
      json.put(v.names().get(i), Double.isFinite(values[i]) ? values[i] : null);
    }
    return json;
  }

  // jsonb does not keep key order; the names come back sorted, which is still one fixed order
  // per schema, and every consumer looks features up by name.
  static FeatureVector fromJson(String cellId, int schemaVersion, Instant completedAt,
      JsonObject json) {
    List<String> names = new ArrayList<>(json.size());
    double[] values = new double[json.size()];
    int i = 0;
    for (Map.Entry<String, Object> e : new java.util.TreeMap<>(json.getMap()).entrySet()) {
      names.add(e.getKey());
      values[i++] = e.getValue() instanceof Number n ? n.doubleValue() : Double.NaN;
    }
    return new FeatureVector(cellId, schemaVersion, completedAt, names, values);
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
