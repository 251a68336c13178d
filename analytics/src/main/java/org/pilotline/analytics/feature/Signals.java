package org.pilotline.analytics.feature;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pilotline.analytics.feature.FeatureCalculator.Sample;

/** Numerics on sampled signals: statistics, piecewise-linear integrals, the first formation cycle. */
final class Signals {
  private Signals() {}

  static double mean(List<Sample> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    double sum = 0;
    for (Sample s : xs) {
      sum += s.value();
    }
    return sum / xs.size();
  }

  /** Sample standard deviation (n - 1); NaN for fewer than two samples. */
  static double std(List<Sample> xs) {
    if (xs.size() < 2) {
      return Double.NaN;
    }
    double m = mean(xs);
    double ss = 0;
    for (Sample s : xs) {
      ss += (s.value() - m) * (s.value() - m);
    }
    return Math.sqrt(ss / (xs.size() - 1));
  }

  static double max(List<Sample> xs) {
    return xs.stream().mapToDouble(Sample::value).max().orElse(Double.NaN);
  }

  /** Least-squares slope of value on time, per second; NaN without two distinct times. */
  static double slopePerSecond(List<Sample> xs) {
    if (xs.size() < 2) {
      return Double.NaN;
    }
    Instant t0 = xs.get(0).ts();
    double mt = 0;
    double mv = 0;
    for (Sample s : xs) {
      mt += FeatureCalculator.seconds(t0, s.ts());
      mv += s.value();
    }
    mt /= xs.size();
    mv /= xs.size();
    double stt = 0;
    double stv = 0;
    for (Sample s : xs) {
      double dt = FeatureCalculator.seconds(t0, s.ts()) - mt;
      stt += dt * dt;
      stv += dt * (s.value() - mv);
    }
    return stt > 0 ? stv / stt : Double.NaN;
  }

  /**
   * The integral over [from, to], in unit·s, of max(0, v(t) - threshold), where v is the
   * piecewise-linear interpolation of the samples, held flat before the first and after the
   * last one. NaN without samples.
   */
  static double excessIntegral(List<Sample> samples, Instant from, Instant to, double threshold) {
    List<Sample> pts = clip(samples, from, to);
    if (pts.isEmpty()) {
      return Double.NaN;
    }
    double total = 0;
    for (int i = 1; i < pts.size(); i++) {
      double dt = FeatureCalculator.seconds(pts.get(i - 1).ts(), pts.get(i).ts());
      total += positiveArea(pts.get(i - 1).value() - threshold, pts.get(i).value() - threshold, dt);
    }
    return total;
  }

  /** Seconds during which the linear interpolation of the samples is >= level, within their span. */
  static double timeAtOrAbove(List<Sample> xs, double level) {
    double total = 0;
    for (int i = 1; i < xs.size(); i++) {
      double a = xs.get(i - 1).value() - level;
      double b = xs.get(i).value() - level;
      double dt = FeatureCalculator.seconds(xs.get(i - 1).ts(), xs.get(i).ts());
      if (a >= 0 && b >= 0) {
        total += dt;
      } else if (a >= 0 || b >= 0) {
        double up = Math.max(a, b);
        total += dt * up / (Math.abs(a) + Math.abs(b));
      }
    }
    return total;
  }

  /** The area of the positive part of a line from a to b over dt. */
  private static double positiveArea(double a, double b, double dt) {
    if (a >= 0 && b >= 0) {
      return (a + b) / 2 * dt;
    }
    if (a <= 0 && b <= 0) {
      return 0;
    }
    double p = Math.max(a, b);
    double part = dt * p / (Math.abs(a) + Math.abs(b));
    return p * part / 2;
  }

  /** The samples restricted to [from, to], with interpolated (or held) end points at from and to. */
  private static List<Sample> clip(List<Sample> samples, Instant from, Instant to) {
    List<Sample> sorted = new ArrayList<>(samples);
    sorted.sort(java.util.Comparator.comparing(Sample::ts));
    if (sorted.isEmpty()) {
      return sorted;
    }
    List<Sample> out = new ArrayList<>();
    out.add(new Sample(from, valueAt(sorted, from)));
    for (Sample s : sorted) {
      if (s.ts().isAfter(from) && s.ts().isBefore(to)) {
        out.add(s);
      }
    }
    out.add(new Sample(to, valueAt(sorted, to)));
    return out;
  }

  private static double valueAt(List<Sample> sorted, Instant t) {
    Sample prev = null;
    for (Sample s : sorted) {
      if (!s.ts().isBefore(t)) {
        if (prev == null || s.ts().equals(t)) {
          return s.value();
        }
        double span = FeatureCalculator.seconds(prev.ts(), s.ts());
        double f = FeatureCalculator.seconds(prev.ts(), t) / span;
        return prev.value() + f * (s.value() - prev.value());
      }
      prev = s;
    }
    return prev.value();
  }

  /** Charge and discharge capacity of the first cycle; NaN where a step was not seen. */
  record Cycle(double charge, double discharge) {}

  /**
   * Splits a formation window at the first current below {@code -fraction} x the peak charge
   * current: the step-capacity counter's largest value before it is the charge capacity, its
   * largest magnitude from it on the discharge capacity (cyclers restart the counter per step).
   */
  static Cycle firstCycle(List<Sample> capacity, List<Sample> current, double fraction) {
    double peak = max(current);
    if (!(peak > 0) || capacity.isEmpty()) {
      return new Cycle(Double.NaN, Double.NaN);
    }
    Instant dischargeStart = null;
    for (Sample s : current) {
      if (s.value() < -fraction * peak) {
        dischargeStart = s.ts();
        break;
      }
    }
    double charge = Double.NaN;
    double discharge = Double.NaN;
    for (Sample s : capacity) {
      if (dischargeStart == null || s.ts().isBefore(dischargeStart)) {
        charge = Double.isNaN(charge) ? s.value() : Math.max(charge, s.value());
      } else {
        double v = Math.abs(s.value());
        discharge = Double.isNaN(discharge) ? v : Math.max(discharge, v);
      }
    }
    return new Cycle(charge, discharge);
  }
}
