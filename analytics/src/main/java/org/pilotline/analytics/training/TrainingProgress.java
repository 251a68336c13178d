package org.pilotline.analytics.training;

/**
 * How far a training run is.
 *
 * @param percent 0 to 100, never going down within a run
 * @param phase what is being done ("loading", "excluding", "isolationForest", "pca", "storing",
 *     "done")
 * @param elapsedMillis since the run started
 * @param etaMillis the estimated time left, from the rate so far; -1 while too early to tell
 */
public record TrainingProgress(int percent, String phase, long elapsedMillis, long etaMillis) {
  public TrainingProgress {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("percent not in 0..100: " + percent);
    }
  }

  /** One line for a terminal: {@code  42% isolationForest  elapsed 3.1 s  ETA 4.2 s}. */
  public String line() {
    return String.format(java.util.Locale.ROOT, "%3d%% %-16s elapsed %s  ETA %s", percent, phase,
        seconds(elapsedMillis), etaMillis < 0 ? "?" : seconds(etaMillis));
  }

  private static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
