package org.pilotline.hmi.web;

import io.vertx.core.json.JsonObject;

/** Where the HMI reads the system's health. Blocking: call it off the event loop. */
public interface HealthReport {
  /**
   * The health document served at {@code /api/health}: at least {@code status} (UP or DEGRADED),
   * {@code storageMode}, {@code writer} counters and {@code tags} subscription counts.
   */
  JsonObject health() throws Exception;
}
