package org.pilotline.analytics.feature;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a cell's feature vector holds and how each feature is computed: the validated content of
 * {@code config/features.yaml} ({@link FeatureSchemaLoader}). Tags are already resolved against
 * the line, so every {@link TagPattern} names an existing station, equipment and tag (or, for a
 * {@code {slot}} pattern, one tag per process slot of the station).
 *
 * @param version the feature-schema version stored with every vector
 * @param summaries per-tag statistics, in config order
 * @param exposure the dry-room exposure integrals
 * @param pressure isostatic-press and formation stack-pressure features
 * @param formation first-cycle capacity and coulombic efficiency
 * @param results per-cell test results (the last value in the cell's window), in config order
 */
public record FeatureSchema(int version, List<Summary> summaries, Exposure exposure, Pressure pressure,
    Formation formation, List<Result> results) {

  /** The placeholder a tag name may contain; replaced by the slot the cell occupied. */
  public static final String SLOT = "{slot}";

  public FeatureSchema {
    if (version < 1) {
      throw new IllegalArgumentException("version must be positive: " + version);
    }
    summaries = List.copyOf(summaries);
    results = List.copyOf(results);
    Objects.requireNonNull(exposure, "exposure");
    Objects.requireNonNull(pressure, "pressure");
    Objects.requireNonNull(formation, "formation");
  }

  /** Feature names in vector order: summaries, exposure, pressure, formation, results. */
  public List<String> featureNames() {
    List<String> names = new ArrayList<>();
    for (Summary s : summaries) {
      for (Stat stat : s.stats()) {
        names.add(s.name() + "." + stat.label());
      }
    }
    names.addAll(List.of(Exposure.HOURS, Exposure.DEW_POINT_EXCESS, Exposure.H2S));
    names.addAll(List.of(Pressure.PEAK, Pressure.HOLD, Pressure.STACK_MEAN, Pressure.STACK_STD));
    names.addAll(List.of(Formation.CAPACITY, Formation.FIRST_CYCLE_CE));
    results.forEach(r -> names.add(r.name()));
    return List.copyOf(names);
  }

  /**
   * A tag of the line: {@code name} may contain {@link #SLOT}, replaced by the slot of the
   * window the readings are taken in (formation channels: {@code {slot}StackPressure}).
   *
   * @param slot the slot the tag is bound to in the line (null: the equipment's process unit);
   *     always null for a pattern
   */
  public record TagPattern(String station, String equipment, String name, String slot) {
    public TagPattern {
      Objects.requireNonNull(station, "station");
      Objects.requireNonNull(equipment, "equipment");
      Objects.requireNonNull(name, "name");
    }

    public boolean perSlot() {
      return name.contains(SLOT);
    }

    /** The tag name for readings taken while the unit was in {@code windowSlot}. */
    public String nameIn(String windowSlot) {
      return name.replace(SLOT, windowSlot);
    }

    /** True when readings of this tag during a window in {@code windowSlot} describe that window's unit. */
    public boolean appliesTo(String windowSlot) {
      return perSlot() || slot == null || slot.equals(windowSlot);
    }

    /** {@code station.tag}, with a pattern's placeholder dropped: the default feature name. */
    public String featureStem() {
      String n = name.replace(SLOT, "");
      n = n.isEmpty() ? "value" : n.substring(0, 1).toLowerCase(Locale.ROOT) + n.substring(1);
      return station + "." + n;
    }

    @Override
    public String toString() {
      return station + "/" + equipment + "/" + name;
    }
  }

  /** A statistic of a tag's samples in a cell's windows. */
  public enum Stat {
    MEAN, STD, MIN, MAX, SLOPE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Statistics of one tag; feature names are {@code name.stat}. */
  public record Summary(String name, TagPattern tag, List<Stat> stats) {
    public Summary {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(tag, "tag");
      stats = List.copyOf(stats);
      if (stats.isEmpty()) {
        throw new IllegalArgumentException("no statistics for " + name);
      }
    }
  }

  /** Where the exposure interval begins. */
  public enum ExposureStart {
    /** The first window of any roll the cell was made from (the cell's first window when none is known). */
    ROLL,
    /** The cell's first window. */
    CELL
  }

  /**
   * Dry-room exposure over [start, end of the cell's window at {@code untilStation}].
   *
   * @param dewPointThreshold °C; the integral counts only dew point above it
   */
  public record Exposure(TagPattern dewPoint, double dewPointThreshold, TagPattern h2s, ExposureStart from,
      String untilStation) {
    public static final String HOURS = "exposure.hours";
    public static final String DEW_POINT_EXCESS = "exposure.dewPointExcess";
    public static final String H2S = "exposure.h2s";

    public Exposure {
      Objects.requireNonNull(dewPoint, "dewPoint");
      Objects.requireNonNull(h2s, "h2s");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(untilStation, "untilStation");
    }
  }

  /**
   * @param setpoint the press setpoint, or null when {@code setpointTag} gives it
   * @param setpointTag a tag holding the setpoint (its mean over the window), or null
   * @param holdFraction hold time counts while pressure >= holdFraction x setpoint
   */
  public record Pressure(TagPattern isostatic, Double setpoint, TagPattern setpointTag, double holdFraction,
      TagPattern stackPressure) {
    public static final String PEAK = "isostatic.peakPressure";
    public static final String HOLD = "isostatic.holdSeconds";
    public static final String STACK_MEAN = "formation.stackPressure.mean";
    public static final String STACK_STD = "formation.stackPressure.std";

    public Pressure {
      Objects.requireNonNull(isostatic, "isostatic");
      Objects.requireNonNull(stackPressure, "stackPressure");
      if ((setpoint == null) == (setpointTag == null)) {
        throw new IllegalArgumentException("exactly one of setpoint and setpointTag is required");
      }
      if (!(holdFraction > 0 && holdFraction <= 1)) {
        throw new IllegalArgumentException("holdFraction must be in (0, 1]: " + holdFraction);
      }
    }
  }

  /** The formation channel's step-capacity counter and current, read in the cell's formation window. */
  public record Formation(TagPattern capacity, TagPattern current) {
    public static final String CAPACITY = "formation.capacity";
    public static final String FIRST_CYCLE_CE = "formation.firstCycleCe";

    public Formation {
      Objects.requireNonNull(capacity, "capacity");
      Objects.requireNonNull(current, "current");
    }
  }

  /** A per-cell test result: the last reading of the tag in the cell's window at its station. */
  public record Result(String name, TagPattern tag) {
    public Result {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(tag, "tag");
    }
  }
}
