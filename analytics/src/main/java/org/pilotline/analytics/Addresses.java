package org.pilotline.analytics;

/** Event-bus addresses of the analytics module. */
public final class Addresses {
  /** Anomaly verdicts on finished cells (filled in by the analytics issue). */
  public static final String ANOMALIES = "pilotline.analytics.anomalies";
  /** SPC rule violations on reading streams. */
  public static final String SPC_VIOLATIONS = "pilotline.analytics.spcViolations";

  private Addresses() {}
}
