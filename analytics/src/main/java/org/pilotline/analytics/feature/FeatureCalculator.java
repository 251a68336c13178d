package org.pilotline.analytics.feature;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pilotline.analytics.feature.FeatureSchema.Exposure;
import org.pilotline.analytics.feature.FeatureSchema.ExposureStart;
import org.pilotline.analytics.feature.FeatureSchema.Formation;
import org.pilotline.analytics.feature.FeatureSchema.Pressure;
import org.pilotline.analytics.feature.FeatureSchema.Result;
import org.pilotline.analytics.feature.FeatureSchema.Stat;
import org.pilotline.analytics.feature.FeatureSchema.Summary;
import org.pilotline.analytics.feature.FeatureSchema.TagPattern;

/**
 * Computes a cell's feature vector from its process windows (and those of the rolls and lots it
 * was made from) and the readings of the schema's tags. Pure: readings come through
 * {@link Series}, so the same code runs on the database ({@link JdbcCellFeatureSource}) and on
 * hand-made fixtures. Definitions and units are in docs/ANALYTICS.md.
 *
 * <p>Which windows a tag is read in: the cell's windows at the tag's station and equipment; if
 * the cell has none there, its rolls' windows; if none either, their lots'. A window still open
 * (a roll still feeding the stacker) counts up to the cell's completion. A reading belongs to a
 * window when {@code start <= ts < end}: at a unit change the new unit owns the instant.
 * Summaries and the press and stack pressures also count the value in force at each window's
 * start (the last reading before it, sample-and-hold): a tag reported on change or through a
 * deadband may have no reading inside a short window. Results and the formation counters do not:
 * a value from before the window belongs to the previous unit.
 *
 * <p>A feature whose inputs are missing (no window at the station, no readings in it, fewer than
 * two samples for std or slope, no discharge step) is NaN, never an exception; {@link Built#missing()}
 * says which and why.
 */
public final class FeatureCalculator {
  private static final double SECONDS_PER_HOUR = 3600.0;
  /** Discharge begins at the first current below this fraction of the peak charge current (negated). */
  static final double DISCHARGE_FRACTION = 0.1;

  /** One process window of the cell or of a unit it was made from. */
  public record Window(String unitKind, String unitId, String station, String equipment, String slot,
      Instant start, Instant end) {
    public Window {
      Objects.requireNonNull(unitKind, "unitKind");
      Objects.requireNonNull(unitId, "unitId");
      Objects.requireNonNull(station, "station");
      Objects.requireNonNull(equipment, "equipment");
      Objects.requireNonNull(slot, "slot");
      Objects.requireNonNull(start, "start");
    }
  }

  /** One reading. */
  public record Sample(Instant ts, double value) {
    public Sample {
      Objects.requireNonNull(ts, "ts");
    }
  }

  /** Where readings come from. Blocking for a database; implementations return samples oldest first. */
  public interface Series {
    /** The readings of one tag with {@code from <= ts < to}, oldest first; good quality, non-null values only. */
    List<Sample> between(String station, String equipment, String tag, Instant from, Instant to);

    /** The last reading of the tag before {@code at}, if any (the value in force at {@code at}). */
    Optional<Sample> before(String station, String equipment, String tag, Instant at);
  }

  /** The vector and, for each NaN in it (in vector order), why. */
  public record Built(FeatureVector vector, Map<String, String> missing) {
    public Built {
      Objects.requireNonNull(vector, "vector");
      missing = Collections.unmodifiableMap(new LinkedHashMap<>(missing));
    }
  }

  private final FeatureSchema schema;
  private final List<String> names;

  public FeatureCalculator(FeatureSchema schema) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.names = schema.featureNames();
  }

  public FeatureSchema schema() {
    return schema;
  }

  /**
   * Builds the vector of a finished cell.
   *
   * @param completedAt the end of the cell's last (EOL) window
   * @param windows the cell's windows and those of its ancestors (any order)
   */
  public Built build(String cellId, Instant completedAt, List<Window> windows, Series series) {
    Run run = new Run(cellId, completedAt, windows, series);
    for (Summary s : schema.summaries()) {
      run.summary(s);
    }
    run.exposure(schema.exposure());
    run.pressure(schema.pressure());
    run.formation(schema.formation());
    for (Result r : schema.results()) {
      run.result(r);
    }
    double[] values = new double[names.size()];
    for (int i = 0; i < values.length; i++) {
      Double v = run.values.get(names.get(i));
      values[i] = v == null ? Double.NaN : v;
    }
    Map<String, String> missing = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        missing.put(names.get(i), run.why.getOrDefault(names.get(i), "not computed"));
      }
    }
    return new Built(new FeatureVector(cellId, schema.version(), completedAt, names, values), missing);
  }

  /** The state of one build. */
  private static final class Run {
    final String cellId;
    final Instant completedAt;
    final List<Window> windows;
    final Series series;
    final Map<String, Double> values = new LinkedHashMap<>();
    final Map<String, String> why = new LinkedHashMap<>();

    Run(String cellId, Instant completedAt, List<Window> windows, Series series) {
      this.cellId = cellId;
      this.completedAt = completedAt;
      this.windows = windows.stream().sorted(Comparator.comparing(Window::start)).toList();
      this.series = series;
    }

    void put(String name, double value, String reasonIfMissing) {
      values.put(name, value);
      if (!Double.isFinite(value)) {
        why.put(name, reasonIfMissing);
      }
    }

    Instant end(Window w) {
      return w.end() == null || w.end().isAfter(completedAt) ? completedAt : w.end();
    }

    /** The windows a tag is read in: the cell's there, else its rolls', else their lots'. */
    List<Window> windowsFor(TagPattern tag) {
      for (String kind : List.of("CELL", "ROLL", "LOT")) {
        List<Window> at = windows.stream()
            .filter(w -> w.unitKind().equals(kind) && w.station().equals(tag.station())
                && w.equipment().equals(tag.equipment()) && tag.appliesTo(w.slot()))
            .toList();
        if (!at.isEmpty()) {
          return at;
        }
      }
      return List.of();
    }

    /** Samples of the tag in the given windows, oldest first. */
    List<Sample> samples(TagPattern tag, List<Window> in) {
      return samples(tag, in, false);
    }

    /**
     * Samples of the tag in the given windows, oldest first. With {@code held}, each window also
     * starts with the value in force at its start, the last reading before it (sample-and-hold,
     * as a historian reads a tag reported on change or through a deadband), unless a reading
     * falls exactly on the start. Not for per-unit values (test results, step counters): the
     * value before the window belongs to the previous unit.
     */
    List<Sample> samples(TagPattern tag, List<Window> in, boolean held) {
      List<Sample> out = new ArrayList<>();
      for (Window w : in) {
        Instant to = end(w);
        if (to.isAfter(w.start())) {
          String name = tag.nameIn(w.slot());
          List<Sample> inside = series.between(tag.station(), tag.equipment(), name, w.start(), to);
          if (held && (inside.isEmpty() || inside.get(0).ts().isAfter(w.start()))) {
            series.before(tag.station(), tag.equipment(), name, w.start())
                .ifPresent(s -> out.add(new Sample(w.start(), s.value())));
          }
          out.addAll(inside);
        }
      }
      out.sort(Comparator.comparing(Sample::ts));
      return out;
    }

    String noWindow(TagPattern tag) {
      return "no window of " + cellId + " or of the units it was made from at " + tag.station() + "/" + tag.equipment();
    }

    String noReadings(TagPattern tag) {
      return "no readings of " + tag + " in the windows of " + cellId + " there";
    }

    void summary(Summary s) {
      List<Window> in = windowsFor(s.tag());
      List<Sample> xs = in.isEmpty() ? List.of() : samples(s.tag(), in, true);
      String reason = in.isEmpty() ? noWindow(s.tag()) : noReadings(s.tag());
      for (Stat stat : s.stats()) {
        double v = statistic(stat, xs);
        String r = xs.isEmpty() ? reason
            : (stat == Stat.STD || stat == Stat.SLOPE) ? "fewer than two readings (or no time span) of " + s.tag()
            : reason;
        put(s.name() + "." + stat.label(), v, r);
      }
    }

    void exposure(Exposure e) {
      Instant until = windows.stream()
          .filter(w -> w.unitKind().equals("CELL") && w.station().equals(e.untilStation()) && w.end() != null)
          .map(this::end).max(Comparator.naturalOrder()).orElse(null);
      Optional<Instant> cellStart = windows.stream().filter(w -> w.unitKind().equals("CELL"))
          .map(Window::start).min(Comparator.naturalOrder());
      Instant from = e.from() == ExposureStart.ROLL
          ? windows.stream().filter(w -> w.unitKind().equals("ROLL")).map(Window::start)
              .min(Comparator.naturalOrder()).or(() -> cellStart).orElse(null)
          : cellStart.orElse(null);
      if (until == null || from == null || !until.isAfter(from)) {
        String r = "no closed window of " + cellId + " at " + e.untilStation() + " after the exposure start";
        put(Exposure.HOURS, Double.NaN, r);
        put(Exposure.DEW_POINT_EXCESS, Double.NaN, r);
        put(Exposure.H2S, Double.NaN, r);
        return;
      }
      put(Exposure.HOURS, seconds(from, until) / SECONDS_PER_HOUR, "");
      put(Exposure.DEW_POINT_EXCESS, integral(e.dewPoint(), from, until, e.dewPointThreshold()),
          noReadings(e.dewPoint()) + " from " + from + " to " + until);
      put(Exposure.H2S, integral(e.h2s(), from, until, 0.0), noReadings(e.h2s()) + " from " + from + " to " + until);
    }

    /** The integral, in unit·h, of the tag's excess over {@code threshold} on [from, to]. */
    double integral(TagPattern tag, Instant from, Instant to, double threshold) {
      List<Sample> pts = new ArrayList<>();
      series.before(tag.station(), tag.equipment(), tag.name(), from).ifPresent(pts::add);
      pts.addAll(series.between(tag.station(), tag.equipment(), tag.name(), from, to));
      return Signals.excessIntegral(pts, from, to, threshold) / SECONDS_PER_HOUR;
    }

    void pressure(Pressure p) {
      List<Window> in = windowsFor(p.isostatic());
      List<Sample> xs = in.isEmpty() ? List.of() : samples(p.isostatic(), in, true);
      String reason = in.isEmpty() ? noWindow(p.isostatic()) : noReadings(p.isostatic());
      put(Pressure.PEAK, xs.isEmpty() ? Double.NaN : Signals.max(xs), reason);
      double setpoint;
      String spReason = reason;
      if (p.setpoint() != null) {
        setpoint = p.setpoint();
      } else {
        List<Window> spIn = windowsFor(p.setpointTag());
        setpoint = Signals.mean(spIn.isEmpty() ? List.of() : samples(p.setpointTag(), spIn));
        spReason = "no setpoint: " + noReadings(p.setpointTag());
      }
      // one sample measures no time
      double hold = xs.size() < 2 || !Double.isFinite(setpoint) ? Double.NaN
          : Signals.timeAtOrAbove(xs, p.holdFraction() * setpoint);
      put(Pressure.HOLD, hold, xs.isEmpty() ? reason
          : xs.size() < 2 ? "fewer than two readings of " + p.isostatic() : spReason);

      List<Window> stackIn = windowsFor(p.stackPressure());
      List<Sample> stack = stackIn.isEmpty() ? List.of() : samples(p.stackPressure(), stackIn, true);
      String stackReason = stackIn.isEmpty() ? noWindow(p.stackPressure()) : noReadings(p.stackPressure());
      put(Pressure.STACK_MEAN, Signals.mean(stack), stackReason);
      put(Pressure.STACK_STD, Signals.std(stack), stack.isEmpty() ? stackReason : "fewer than two readings of " + p.stackPressure());
    }

    void formation(Formation f) {
      List<Window> in = windowsFor(f.capacity());
      if (in.isEmpty()) {
        put(Formation.CAPACITY, Double.NaN, noWindow(f.capacity()));
        put(Formation.FIRST_CYCLE_CE, Double.NaN, noWindow(f.capacity()));
        return;
      }
      List<Sample> capacity = samples(f.capacity(), in);
      List<Sample> current = samples(f.current(), in);
      Signals.Cycle c = Signals.firstCycle(capacity, current, DISCHARGE_FRACTION);
      String reason = capacity.isEmpty() ? noReadings(f.capacity()) : current.isEmpty() ? noReadings(f.current())
          : !Double.isFinite(c.charge()) ? "no charge step seen in " + f.current()
          : "no discharge step seen in " + f.current() + " (or no capacity reading during it)";
      put(Formation.CAPACITY, c.discharge(), reason);
      put(Formation.FIRST_CYCLE_CE, c.discharge() / c.charge(), reason);
    }

    void result(Result r) {
      List<Window> in = windowsFor(r.tag());
      List<Sample> xs = in.isEmpty() ? List.of() : samples(r.tag(), in);
      put(r.name(), xs.isEmpty() ? Double.NaN : xs.get(xs.size() - 1).value(),
          in.isEmpty() ? noWindow(r.tag()) : noReadings(r.tag()));
    }
  }

  static double statistic(Stat stat, List<Sample> xs) {
    return switch (stat) {
      case MEAN -> Signals.mean(xs);
      case STD -> Signals.std(xs);
      case MIN -> xs.isEmpty() ? Double.NaN : xs.stream().mapToDouble(Sample::value).min().orElseThrow();
      case MAX -> xs.isEmpty() ? Double.NaN : Signals.max(xs);
      case SLOPE -> Signals.slopePerSecond(xs) * SECONDS_PER_HOUR;
    };
  }

  static double seconds(Instant from, Instant to) {
    Duration d = Duration.between(from, to);
    return d.getSeconds() + d.getNano() / 1e9;
  }
}
