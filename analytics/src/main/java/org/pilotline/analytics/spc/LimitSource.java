package org.pilotline.analytics.spc;

import java.time.Instant;
import java.util.Objects;

/** Where a tag's control limits come from. Limits apply to the charted point (see {@link Subgrouping}). */
public sealed interface LimitSource {
  /** Limits given in configuration. */
  record Given(ControlLimits limits) implements LimitSource {
    public Given {
      Objects.requireNonNull(limits, "limits");
    }

    /** Limits from a lower and upper control limit, taken as centre ∓ 3σ. */
    public static Given ofLimits(double lcl, double ucl) {
      if (!(lcl < ucl)) {
        throw new IllegalArgumentException("lcl " + lcl + " must be < ucl " + ucl);
      }
      return new Given(ControlLimits.of((lcl + ucl) / 2, (ucl - lcl) / 6));
    }
  }

  /**
   * Limits estimated from the first {@code count} points charted after start (mean and average
   * moving range / d2, see {@link ControlLimits#fromBaseline}); no rule is checked until then.
   *
   * @param count at least 2
   */
  record FirstPoints(int count) implements LimitSource {
    public FirstPoints {
      if (count < 2) {
        throw new IllegalArgumentException("baseline needs at least 2 points: " + count);
      }
    }
  }

  /**
   * Limits estimated, as for {@link FirstPoints}, from the tag's stored readings with source times
   * in [{@code from}, {@code to}), grouped the same way as the live stream.
   */
  record StoredWindow(Instant from, Instant to) implements LimitSource {
    public StoredWindow {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("baseline window from " + from + " must be before to " + to);
      }
    }
  }
}
