package org.pilotline.acquisition.opcua.discovery;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Progress of a discovery run on a text stream (stderr for the command): a line at most every
 * {@code interval} while browsing, one per phase, and a final summary. Lines, not carriage
 * returns, so that a log file or a CI console keeps them readable.
 */
public final class DiscoveryProgress {
  private final PrintStream out;
  private final long intervalNanos;
  private long startNanos = System.nanoTime();
  private long lastNanos = startNanos;
  private double browseSeconds = Double.NaN;

  public DiscoveryProgress(PrintStream out, Duration interval) {
    this.out = Objects.requireNonNull(out, "out");
    this.intervalNanos = interval.toNanos();
  }

  /** A progress that prints nothing. */
  public static DiscoveryProgress silent() {
    return new DiscoveryProgress(new PrintStream(PrintStream.nullOutputStream()), Duration.ofDays(1));
  }

  /** Reports a phase (connecting, browsing from ..., reading attributes ...). */
  public void phase(String text) {
    out.println("discover: " + text);
    out.flush();
  }

  /** Starts the clock the browse rate is measured on (connecting is not browsing). */
  public void browsingStarted() {
    startNanos = System.nanoTime();
    lastNanos = startNanos;
  }

  /**
   * Reports the counts when the interval has passed since the last report, or when forced; the
   * forced report ends the browse phase and fixes the rate the summary quotes.
   */
  public void browsed(int nodes, int variables, boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastNanos < intervalNanos) {
      return;
    }
    lastNanos = now;
    double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
    if (force) {
      browseSeconds = seconds;
    }
    out.println(String.format(Locale.ROOT, "discover: %d nodes browsed, %d variables, %.0f nodes/s",
        nodes, variables, nodes / seconds));
    out.flush();
  }

  /** The final summary, with the limits hit and the draft's contents. */
  public void summary(DiscoveryResult r, DraftLineWriter.Draft draft) {
    double seconds = r.elapsed().toMillis() / 1000.0;
    double browse = Double.isNaN(browseSeconds) ? Math.max(1e-3, seconds) : browseSeconds;
    out.println(String.format(Locale.ROOT,
        "discover: done in %.2f s: %d nodes browsed in %.2f s (%.0f nodes/s), %d variables -> %d stations, "
            + "%d equipment, %d tags, %d unit slots, %d variables not acquired",
        seconds, r.nodesVisited(), browse, r.nodesVisited() / browse, r.variables().size(),
        draft.stations(), draft.equipment(), draft.tags(), draft.units(), draft.skipped()));
    for (String limit : r.limitsHit()) {
      out.println("discover: LIMIT: " + limit);
    }
    if (!r.warnings().isEmpty()) {
      out.println("discover: " + r.warnings().size() + " warnings (listed at the end of the draft), first: "
          + r.warnings().get(0));
    }
    out.flush();
  }
}
