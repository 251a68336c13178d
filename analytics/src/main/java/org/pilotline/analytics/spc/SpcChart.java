package org.pilotline.analytics.spc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An individuals (Shewhart) chart evaluated incrementally on one tag's stream: feed it one value at
 * a time with {@link #add}, and it returns the violations that value completes.
 *
 * <p>A rule fires at every point whose trailing window matches it, with that point itself part of
 * the pattern (for "2 of 3" and "4 of 5", the newest point must be one of the points beyond the
 * zone). A run longer than a rule's window therefore fires at each further point, as Minitab
 * does; de-duplicating into one open alarm is the sink's business, not the chart's.
 *
 * <p>Not thread-safe: one chart per tag, fed in stream order by one thread.
 */
public final class SpcChart {
  private final ControlLimits limits;
  private final RuleSet rules;
  private final SpcPoint[] ring;
  private long count;

  public SpcChart(ControlLimits limits, RuleSet rules) {
    if (limits == null || rules == null) {
      throw new IllegalArgumentException("limits and rules are required");
    }
    this.limits = limits;
    this.rules = rules;
    this.ring = new SpcPoint[Math.max(15, rules.sameSideRun())];
  }

  public ControlLimits limits() {
    return limits;
  }

  public RuleSet rules() {
    return rules;
  }

  /** How many values the chart has seen. */
  public long count() {
    return count;
  }

  /**
   * Adds the next value of the stream.
   *
   * @param time the value's time, or null
   * @param value a finite value
   * @return the violations this value completes, in rule order; empty if none
   * @throws IllegalArgumentException for NaN or an infinity: readings without a value (Bad
   *     quality, null) are the caller's to skip, so that a gap never breaks or fakes a run
   */
  public List<Violation> add(Instant time, double value) {
    SpcPoint p = new SpcPoint(count, time, value);
    ring[(int) (count % ring.length)] = p;
    count++;
    List<Violation> out = new ArrayList<>(2);
    if (rules.has(NelsonRule.RULE_1) && Math.abs(z(p)) > 3) {
      out.add(new Violation(NelsonRule.RULE_1, List.of(p)));
    }
    check(out, NelsonRule.RULE_2, rules.sameSideRun(), this::sameSide);
    check(out, NelsonRule.RULE_3, 6, this::monotone);
    check(out, NelsonRule.RULE_4, 14, this::alternating);
    check(out, NelsonRule.RULE_5, 3, w -> kOfMBeyond(w, 2, 2.0));
    check(out, NelsonRule.RULE_6, 5, w -> kOfMBeyond(w, 4, 1.0));
    check(out, NelsonRule.RULE_7, 15, w -> all(w, q -> Math.abs(z(q)) < 1));
    check(out, NelsonRule.RULE_8, 8, w -> all(w, q -> Math.abs(z(q)) > 1));
    return out;
  }

  /** Adds a value without a time. */
  public List<Violation> add(double value) {
    return add(null, value);
  }

  private interface Pattern {
    boolean matches(List<SpcPoint> window);
  }

  private interface PointTest {
    boolean test(SpcPoint p);
  }

  private void check(List<Violation> out, NelsonRule rule, int size, Pattern pattern) {
    if (!rules.has(rule) || count < size) {
      return;
    }
    List<SpcPoint> window = last(size);
    if (pattern.matches(window)) {
      out.add(new Violation(rule, window));
    }
  }

  /** The last {@code n} points, oldest first. */
  private List<SpcPoint> last(int n) {
    List<SpcPoint> w = new ArrayList<>(n);
    for (long i = count - n; i < count; i++) {
      w.add(ring[(int) (i % ring.length)]);
    }
    return w;
  }

  private double z(SpcPoint p) {
    return limits.zScore(p.value());
  }

  private boolean sameSide(List<SpcPoint> w) {
    return all(w, q -> z(q) > 0) || all(w, q -> z(q) < 0);
  }

  private boolean monotone(List<SpcPoint> w) {
    boolean up = true;
    boolean down = true;
    for (int i = 1; i < w.size(); i++) {
      double d = w.get(i).value() - w.get(i - 1).value();
      up &= d > 0;
      down &= d < 0;
    }
    return up || down;
  }

  private boolean alternating(List<SpcPoint> w) {
    double prev = 0;
    for (int i = 1; i < w.size(); i++) {
      double d = w.get(i).value() - w.get(i - 1).value();
      if (d == 0 || (i > 1 && Math.signum(d) == Math.signum(prev))) {
        return false;
      }
      prev = d;
    }
    return true;
  }

  /** At least k of the window beyond {@code zone} sigma on one side, the newest among them. */
  private boolean kOfMBeyond(List<SpcPoint> w, int k, double zone) {
    double newest = z(w.get(w.size() - 1));
    if (Math.abs(newest) <= zone) {
      return false;
    }
    double side = Math.signum(newest);
    int n = 0;
    for (SpcPoint q : w) {
      if (side * z(q) > zone) {
        n++;
      }
    }
    return n >= k;
  }

  private static boolean all(List<SpcPoint> w, PointTest t) {
    for (SpcPoint q : w) {
      if (!t.test(q)) {
        return false;
      }
    }
    return true;
  }
}
