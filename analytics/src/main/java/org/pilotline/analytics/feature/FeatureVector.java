package org.pilotline.analytics.feature;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One finished cell's features, in the order of its feature schema.
 *
 * @param cellId the cell
 * @param schemaVersion the feature-schema version the vector was built with
 * @param completedAt the end of the cell's last (EOL) process window
 * @param names the feature names, unique, in schema order
 * @param values the values, aligned with {@code names}; NaN where a source was missing (no
 *     readings in a window, a station skipped)
 */
public record FeatureVector(String cellId, int schemaVersion, Instant completedAt,
    List<String> names, double[] values) {
  public FeatureVector {
    Objects.requireNonNull(completedAt, "completedAt");
    if (cellId == null || cellId.isBlank()) {
      throw new IllegalArgumentException("cellId is required");
    }
    if (schemaVersion < 1) {
      throw new IllegalArgumentException("schemaVersion must be positive: " + schemaVersion);
    }
    names = List.copyOf(names);
    values = values.clone();
    if (names.size() != values.length) {
      throw new IllegalArgumentException(names.size() + " names but " + values.length + " values");
    }
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException("feature names repeat: " + names);
    }
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  /** The value of one feature; NaN when missing. */
  public double value(String name) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no feature " + name + " in schema v" + schemaVersion);
    }
    return values[i];
  }

  /** True when every feature has a value. */
  public boolean complete() {
    return Arrays.stream(values).allMatch(Double::isFinite);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureVector f && cellId.equals(f.cellId) && schemaVersion == f.schemaVersion
        && completedAt.equals(f.completedAt) && names.equals(f.names) && Arrays.equals(values, f.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cellId, schemaVersion, completedAt, names, Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    return "FeatureVector[" + cellId + ", v" + schemaVersion + ", " + names.size() + " features]";
  }
}
