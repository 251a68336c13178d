package org.pilotline.acquisition.line;

import java.time.Instant;
import java.util.Objects;

/**
 * One value of one tag, as the equipment reported it.
 *
 * @param tagId the tag's database id
 * @param sourceTime when the equipment sampled it; may run ahead of the wall clock (simulators,
 *     badly set PLC clocks); never null: a missing source time is replaced by the server time
 * @param serverTime when the OPC UA server saw it; null when the server did not say
 * @param value the value as a double, or null when it is not numeric or not present
 * @param statusCode the OPC UA StatusCode, unsigned 32 bits
 */
public record Reading(int tagId, Instant sourceTime, Instant serverTime, Double value, long statusCode) {
  public Reading {
    Objects.requireNonNull(sourceTime, "sourceTime");
  }

  public Quality quality() {
    return Quality.of(statusCode);
  }
}
