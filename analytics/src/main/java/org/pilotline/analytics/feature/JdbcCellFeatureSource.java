package org.pilotline.analytics.feature;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.pilotline.acquisition.line.Line;
import org.pilotline.analytics.feature.FeatureCalculator.Sample;
import org.pilotline.analytics.feature.FeatureCalculator.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds feature vectors from {@code process_window}, {@code genealogy}, {@code tag} and
 * {@code reading}. A cell has finished when its window at the line's last route station is
 * closed; its vector then covers its own windows and those of its parent rolls and their lots.
 * Readings are fetched per tag and window on the {@code (tag_id, ts)} index; only Good readings
 * with a value count. Blocking: call from a worker.
 */
public final class JdbcCellFeatureSource implements CellFeatureSource {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcCellFeatureSource.class);
  private static final String WINDOWS = """
      select unit_kind, unit_id, station, equipment, slot, start_ts, end_ts
        from process_window where unit_kind = ? and unit_id = ?""";
  private static final String PARENTS = """
      select parent_id from genealogy where child_kind = ? and child_id = ? and parent_kind = ?
       order by parent_id""";
  private static final String TAGS = "select id, station, equipment, name from tag";
  // Good: the StatusCode's severity bits (31, 30) are 00.
  private static final String BETWEEN = """
      select ts, value from reading
       where tag_id = ? and ts >= ? and ts < ? and value is not null and quality < 1073741824
       order by ts""";
  private static final String BEFORE = """
      select ts, value from reading
       where tag_id = ? and ts < ? and value is not null and quality < 1073741824
       order by ts desc limit 1""";

  private final DataSource dataSource;
  private final FeatureCalculator calculator;
  private final String completionStation;
  private volatile Map<String, Integer> tagIds = Map.of();

  /** @param line the line whose route's last station marks a cell as finished */
  public JdbcCellFeatureSource(DataSource dataSource, FeatureSchema schema, Line line) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.calculator = new FeatureCalculator(schema);
    List<String> route = line.route();
    if (route.isEmpty()) {
      throw new IllegalArgumentException("line " + line.name() + " has an empty route");
    }
    this.completionStation = route.get(route.size() - 1);
  }

  @Override
  public int schemaVersion() {
    return calculator.schema().version();
  }

  @Override
  public List<String> featureNames() {
    return calculator.schema().featureNames();
  }

  @Override
  public Optional<FeatureVector> build(String cellId) {
    return buildExplained(cellId).map(FeatureCalculator.Built::vector);
  }

  /** As {@link #build}, with the reason for every missing feature. */
  public Optional<FeatureCalculator.Built> buildExplained(String cellId) {
    Objects.requireNonNull(cellId, "cellId");
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      List<Window> cellWindows = windows(c, "CELL", cellId);
      Optional<Instant> completedAt = cellWindows.stream()
          .filter(w -> w.station().equals(completionStation) && w.end() != null)
          .map(Window::end).max(Comparator.naturalOrder());
      if (completedAt.isEmpty()) {
        return Optional.empty();
      }
      List<Window> all = new ArrayList<>(cellWindows);
      for (String roll : parents(c, "CELL", cellId, "ROLL")) {
        all.addAll(windows(c, "ROLL", roll));
        for (String lot : parents(c, "ROLL", roll, "LOT")) {
          all.addAll(windows(c, "LOT", lot));
        }
      }
      FeatureCalculator.Built built = calculator.build(cellId, completedAt.get(), all, new JdbcSeries(c));
      if (!built.missing().isEmpty()) {
        LOG.info("cell features missing: cell={}, schemaVersion={}, missing={}", cellId,
            schemaVersion(), built.missing());
      }
      return Optional.of(built);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot build features of cell " + cellId + ": " + e.getMessage(), e);
    }
  }

  private static List<Window> windows(Connection c, String kind, String unitId) throws SQLException {
    List<Window> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(WINDOWS)) {
      ps.setString(1, kind);
      ps.setString(2, unitId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Window(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
              instant(rs, 6), instant(rs, 7)));
        }
      }
    }
    return out;
  }

  private static List<String> parents(Connection c, String childKind, String childId, String parentKind)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PARENTS)) {
      ps.setString(1, childKind);
      ps.setString(2, childId);
      ps.setString(3, parentKind);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private Integer tagId(Connection c, String station, String equipment, String name) throws SQLException {
    String key = station + "/" + equipment + "/" + name;
    Integer id = tagIds.get(key);
    if (id == null) {
      // tags registered since the last look (acquisition registers them at start)
      Map<String, Integer> fresh = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(TAGS); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          fresh.put(rs.getString(2) + "/" + rs.getString(3) + "/" + rs.getString(4), rs.getInt(1));
        }
      }
      tagIds = Map.copyOf(fresh);
      id = fresh.get(key);
    }
    return id;
  }

  private final class JdbcSeries implements FeatureCalculator.Series {
    private final Connection c;

    JdbcSeries(Connection c) {
      this.c = c;
    }

    @Override
    public List<Sample> between(String station, String equipment, String tag, Instant from, Instant to) {
      try {
        Integer id = tagId(c, station, equipment, tag);
        if (id == null) {
          return List.of();
        }
        List<Sample> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(BETWEEN)) {
          ps.setInt(1, id);
          ps.setObject(2, utc(from));
          ps.setObject(3, utc(to));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(new Sample(instant(rs, 1), rs.getDouble(2)));
            }
          }
        }
        return out;
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read " + station + "/" + equipment + "/" + tag + ": " + e.getMessage(), e);
      }
    }

    @Override
    public Optional<Sample> before(String station, String equipment, String tag, Instant at) {
      try {
        Integer id = tagId(c, station, equipment, tag);
        if (id == null) {
          return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement(BEFORE)) {
          ps.setInt(1, id);
          ps.setObject(2, utc(at));
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Sample(instant(rs, 1), rs.getDouble(2))) : Optional.empty();
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read " + station + "/" + equipment + "/" + tag + ": " + e.getMessage(), e);
      }
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
