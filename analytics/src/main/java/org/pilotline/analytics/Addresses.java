package org.pilotline.analytics;

/** Event-bus addresses of the analytics module. */
public final class Addresses {
  /** Anomalies raised on finished cells, as {@code AnomalyJson} objects. */
  public static final String ANOMALIES = "pilotline.analytics.anomalies";
  /** The verdict on every scored cell, OK or not, as {@code AnomalyJson} objects. */
  public static final String VERDICTS = "pilotline.analytics.verdicts";
  /** Anomalies acknowledged (HMI, API or result server), as {@code AnomalyJson} objects. */
  public static final String ACKNOWLEDGED = "pilotline.analytics.acknowledged";
  /** SPC rule violations on reading streams. */
  public static final String SPC_VIOLATIONS = "pilotline.analytics.spcViolations";

  /**
   * Progress of a model training run, as JSON {@code {"percent", "phase", "elapsedMillis",
   * "etaMillis", "schemaVersion", "from", "to"}}; etaMillis is -1 while too early to tell.
   */
  public static final String TRAINING_PROGRESS = "pilotline.analytics.trainingProgress";

  private Addresses() {}
}
