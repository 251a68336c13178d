package org.pilotline.analytics.eval;

/**
 * Flagged-or-not against faulty-or-good, counted over the scored cells.
 *
 * @param truePositives faulty cells flagged
 * @param falsePositives good cells flagged (false alarms)
 * @param trueNegatives good cells not flagged
 * @param falseNegatives faulty cells missed
 */
public record Confusion(int truePositives, int falsePositives, int trueNegatives, int falseNegatives) {
  public Confusion {
    if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }

  /** Flagged cells that are faulty; NaN when nothing was flagged. */
  public double precision() {
    return ratio(truePositives, truePositives + falsePositives);
  }

  /** Faulty cells that were flagged; NaN when there is no faulty cell. */
  public double recall() {
    return ratio(truePositives, truePositives + falseNegatives);
  }

  /** Good cells that were flagged; NaN when there is no good cell. */
  public double falseAlarmRate() {
    return ratio(falsePositives, falsePositives + trueNegatives);
  }

  private static double ratio(int a, int b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }
}
