package org.pilotline.analytics.eval;

import java.util.Optional;
import java.util.function.Supplier;
import org.pilotline.analytics.spc.DriftSignal;

/**
 * How many samples a drift chart (EWMA or CUSUM) needs to signal a drift that starts at a known
 * sample. The chart runs in control for up to {@link #WARM_UP} samples before the onset, as it
 * would on a running line; a signal there is a false alarm, counted, and the chart starts afresh
 * (as an operator would after investigating). Delay 1 means the first drifted sample signalled.
 */
public final class DriftDelay {
  /** In-control samples fed before the onset, so the statistic is in its steady state. */
  public static final int WARM_UP = 50;

  private DriftDelay() {}

  /** A chart fed one value at a time ({@code EwmaChart::add}, {@code CusumChart::add}). */
  @FunctionalInterface
  public interface Chart {
    Optional<DriftSignal> add(double value);
  }

  /**
   * @param delay samples from the onset to the first signal (1 = at the onset); empty when the
   *     sequence ended first
   * @param falseAlarms signals in the warm-up before the onset
   * @param samplesAfterOnset how many samples the chart saw from the onset on
   */
  public record Result(Optional<Integer> delay, int falseAlarms, int samplesAfterOnset) {}

  /**
   * @param sequence the monitored values in production order
   * @param onset the index of the first drifted sample
   * @param charts a fresh chart each time one is needed (limits from the training period)
   */
  public static Result measure(double[] sequence, int onset, Supplier<Chart> charts) {
    if (onset < 0 || onset >= sequence.length) {
      throw new IllegalArgumentException("onset " + onset + " outside the sequence of " + sequence.length);
    }
    Chart chart = charts.get();
    int falseAlarms = 0;
    for (int i = Math.max(0, onset - WARM_UP); i < onset; i++) {
      if (chart.add(sequence[i]).isPresent()) {
        falseAlarms++;
        chart = charts.get();
      }
    }
    for (int i = onset; i < sequence.length; i++) {
      if (chart.add(sequence[i]).isPresent()) {
        return new Result(Optional.of(i - onset + 1), falseAlarms, i - onset + 1);
      }
    }
    return new Result(Optional.empty(), falseAlarms, sequence.length - onset);
  }
}
