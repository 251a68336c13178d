package org.pilotline.analytics.eval;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Percent done and time left of one long step, printed at most every {@link #INTERVAL_NANOS}
 * (and once at the end): {@code   simulating: 45% (900/2000 cells), ETA 1m12s}. The ETA assumes
 * the rest goes at the average pace so far.
 */
public final class Progress {
  static final long INTERVAL_NANOS = 2_000_000_000L;

  private final String what;
  private final String unit;
  private final long total;
  private final PrintStream out;
  private final LongSupplier nanoClock;
  private final long started;
  private long lastPrinted;

  public Progress(String what, String unit, long total, PrintStream out) {
    this(what, unit, total, out, System::nanoTime);
  }

  Progress(String what, String unit, long total, PrintStream out, LongSupplier nanoClock) {
    this.what = what;
    this.unit = unit;
    this.total = Math.max(1, total);
    this.out = out;
    this.nanoClock = nanoClock;
    this.started = nanoClock.getAsLong();
    this.lastPrinted = started;
  }

  /** Notes that {@code done} of the total are done; prints when the interval has passed. */
  public void update(long done) {
    long now = nanoClock.getAsLong();
    if (now - lastPrinted >= INTERVAL_NANOS) {
      lastPrinted = now;
      out.println(line(done, now));
    }
  }

  /** Prints the final line with the time taken. */
  public void done(long done) {
    long now = nanoClock.getAsLong();
    out.println(String.format(Locale.ROOT, "  %s: %d %s in %s", what, done, unit, duration(now - started)));
  }

  String line(long done, long now) {
    double fraction = Math.min(1.0, (double) done / total);
    long elapsed = now - started;
    String eta = done <= 0 ? "?" : duration((long) (elapsed / fraction - elapsed));
    return String.format(Locale.ROOT, "  %s: %d%% (%d/%d %s), ETA %s", what, (int) Math.floor(fraction * 100),
        done, total, unit, eta);
  }

  static String duration(long nanos) {
    long s = Math.max(0, Math.round(nanos / 1e9));
    return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
  }
}
