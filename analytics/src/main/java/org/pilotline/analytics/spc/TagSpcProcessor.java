package org.pilotline.analytics.spc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SPC state machine of one tag: values in, alarms out.
 *
 * <ol>
 *   <li>Every value goes into the rolling capability window (when the tag has one).</li>
 *   <li>Values are grouped into charted points ({@link Subgrouping}).</li>
 *   <li>With limits from a baseline, the first points only collect the baseline; once it is
 *       full the limits are fixed and the charts start.</li>
 *   <li>Each point goes through the zone/run rules, the EWMA and the CUSUM chart.</li>
 *   <li>A firing is reported unless the same rule fired within the hold-off (see
 *       {@link TagSpcSettings#holdOff()}): a sustained condition is one alarm, not one per point.</li>
 * </ol>
 *
 * <p>Values must be finite: the caller skips readings without a usable value, so a gap never
 * breaks or fakes a run. Not thread-safe: one processor per tag, fed in stream order.
 */
public final class TagSpcProcessor {
  private final TagSpcSettings settings;
  private final Subgrouper subgrouper;
  private final Map<NelsonRule, SpcRule> names = new EnumMap<>(NelsonRule.class);
  private final double[] window;
  private final long[] windowTimes;
  private int windowSize;
  private int windowNext;
  private double[] baseline;
  private int baselineSize;
  private ControlLimits limits;
  private SpcChart chart;
  private EwmaChart ewma;
  private CusumChart cusum;
  private final Map<String, Long> lastFiring = new HashMap<>();
  private long values;
  private long points;
  private long alarms;
  private long suppressed;
  private long baselineRestarts;

  public TagSpcProcessor(TagSpcSettings settings) {
    this.settings = settings;
    this.subgrouper = new Subgrouper(settings.subgrouping());
    settings.rules().forEach(r -> names.put(r.nelson(), r));
    int w = settings.hasCapability() ? settings.capabilityWindow() : 0;
    this.window = new double[w];
    this.windowTimes = new long[w];
    LimitSource source = settings.limits();
    if (source instanceof LimitSource.Given g) {
      startCharts(g.limits());
    } else if (source instanceof LimitSource.FirstPoints f) {
      baseline = new double[f.count()];
    } else if (source instanceof LimitSource.StoredWindow) {
      throw new IllegalArgumentException(settings.tagKey()
          + ": a stored baseline must be resolved to limits first (see baselineFrom)");
    }
  }

  /**
   * Control limits from a stored history, grouped as the settings say (the last, open subgroup
   * counts too: the history is complete).
   *
   * @param times source times, oldest first
   * @param history the finite values at those times
   * @throws IllegalArgumentException with fewer than 2 points or no variation
   */
  public static ControlLimits baselineOf(Subgrouping grouping, List<Instant> times, double[] history) {
    Subgrouper g = new Subgrouper(grouping);
    List<Double> means = new ArrayList<>();
    for (int i = 0; i < history.length; i++) {
      Subgrouper.Point p = g.accept(times.get(i), history[i]);
      if (p != null) {
        means.add(p.mean());
      }
    }
    Subgrouper.Point last = g.flush();
    if (last != null) {
      means.add(last.mean());
    }
    return ControlLimits.fromBaseline(means.stream().mapToDouble(Double::doubleValue).toArray());
  }

  public TagSpcSettings settings() {
    return settings;
  }

  /**
   * Feeds the tag's next value.
   *
   * @param time its source time
   * @param value a finite value
   * @return the alarms it raises after hold-off, in order: zone/run rules (by rule), EWMA, CUSUM
   */
  public List<SpcAlarm> accept(Instant time, double value) {
    Stats.requireFinite(value);
    values++;
    if (window.length > 0) {
      window[windowNext] = value;
      windowTimes[windowNext] = time.toEpochMilli();
      windowNext = (windowNext + 1) % window.length;
      windowSize = Math.min(windowSize + 1, window.length);
    }
    if (!settings.charted()) {
      return List.of();
    }
    Subgrouper.Point p = subgrouper.accept(time, value);
    if (p == null) {
      return List.of();
    }
    points++;
    if (limits == null) {
      collectBaseline(p.mean());
      return List.of();
    }
    List<SpcAlarm> raised = new ArrayList<>(1);
    if (chart != null) {
      for (Violation v : chart.add(p.time(), p.mean())) {
        SpcRule rule = names.get(v.rule());
        raise(raised, rule.name(), rule.description(), p, Map.of(),
            v.points().stream().map(SpcPoint::value).toList());
      }
    }
    if (ewma != null) {
      ewma.add(p.time(), p.mean()).ifPresent(s -> raise(raised, s.upward() ? "EWMA_UP" : "EWMA_DOWN",
          "EWMA beyond its limit (lambda " + settings.ewma().lambda() + ", L " + settings.ewma().width() + ")",
          p, Map.of("statistic", s.statistic(), "limit", s.limit()), List.of(p.mean())));
    }
    if (cusum != null) {
      cusum.add(p.time(), p.mean()).ifPresent(s -> raise(raised, s.upward() ? "CUSUM_UP" : "CUSUM_DOWN",
          "CUSUM beyond h (k " + settings.cusum().k() + ", h " + settings.cusum().h() + ", in sigmas)",
          p, Map.of("statistic", s.statistic(), "limit", s.limit()), List.of(p.mean())));
    }
    return raised;
  }

  private void collectBaseline(double mean) {
    baseline[baselineSize++] = mean;
    if (baselineSize < baseline.length) {
      return;
    }
    baselineSize = 0;
    try {
      startCharts(ControlLimits.fromBaseline(baseline));
    } catch (IllegalArgumentException flat) {
      // A stream that did not move at all (a stuck sensor, a machine at rest) gives no sigma;
      // collect a fresh baseline rather than charting against a made-up one.
      baselineRestarts++;
    }
  }

  private void startCharts(ControlLimits l) {
    limits = l;
    chart = settings.rules().isEmpty() ? null : new SpcChart(l, SpcRule.ruleSet(settings.rules()));
    ewma = settings.ewma() == null ? null
        : new EwmaChart(l, settings.ewma().lambda(), settings.ewma().width());
    cusum = settings.cusum() == null ? null
        : new CusumChart(l, settings.cusum().k(), settings.cusum().h());
  }

  private void raise(List<SpcAlarm> out, String rule, String description, Subgrouper.Point p,
      Map<String, Double> extra, List<Double> involved) {
    Long last = lastFiring.put(rule, points);
    if (last != null && points - last <= settings.holdOff()) {
      suppressed++;
      return;
    }
    Map<String, Double> figures = new LinkedHashMap<>(extra);
    figures.put("center", limits.center());
    figures.put("sigma", limits.sigma());
    figures.put("zScore", limits.zScore(p.mean()));
    figures.put("n", (double) p.n());
    alarms++;
    out.add(new SpcAlarm(rule, description, p.time(), p.mean(), figures, involved));
  }

  /** The control limits in force, or empty while the baseline is being collected (or for none). */
  public Optional<ControlLimits> limits() {
    return Optional.ofNullable(limits);
  }

  /**
   * Cpk/Ppk over the rolling window of the last {@link TagSpcSettings#capabilityWindow()}
   * individual values; empty without spec limits, with fewer than 2 values, or with a window
   * that does not vary.
   */
  public Optional<WindowCapability> capability() {
    if (windowSize < 2) {
      return Optional.empty();
    }
    double[] ordered = new double[windowSize];
    int oldest = windowSize < window.length ? 0 : windowNext;
    for (int i = 0; i < windowSize; i++) {
      ordered[i] = window[(oldest + i) % window.length];
    }
    int newest = (oldest + windowSize - 1) % window.length;
    try {
      Capability c = Capability.of(ordered, settings.lsl(), settings.usl());
      return Optional.of(new WindowCapability(settings.tagKey(), c,
          Instant.ofEpochMilli(windowTimes[oldest]), Instant.ofEpochMilli(windowTimes[newest])));
    } catch (IllegalArgumentException noVariation) {
      return Optional.empty();
    }
  }

  /** Values accepted. */
  public long values() {
    return values;
  }

  /** Points charted (baseline points included). */
  public long points() {
    return points;
  }

  /** Alarms raised. */
  public long alarms() {
    return alarms;
  }

  /** Firings held back because the same rule had fired within the hold-off. */
  public long suppressed() {
    return suppressed;
  }

  /** Values refused because their time bucket had already been charted. */
  public long late() {
    return subgrouper.late();
  }

  /** Baselines thrown away because they had no variation. */
  public long baselineRestarts() {
    return baselineRestarts;
  }
}
