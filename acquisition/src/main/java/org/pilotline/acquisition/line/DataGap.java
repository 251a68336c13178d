package org.pilotline.acquisition.line;

import java.time.Instant;
import java.util.Objects;

/**
 * An interval in which one equipment delivered nothing because its OPC UA connection or
 * subscription was lost: the values the equipment produced between {@code from} and {@code to}
 * were not observed.
 *
 * @param from the source time of the last value received before the outage (or the time the
 *     subscription was made, when no value had arrived yet; or, by the acquisition's clock, the
 *     time start found the equipment unreachable)
 * @param to the source time of the first value after the outage that is newer than {@code from}
 * @param detectedAt when the client noticed the outage, by the acquisition's clock
 * @param reason what revealed the outage first, e.g. {@code sessionInactive}, {@code watchdog},
 *     {@code transferFailed}, {@code unreachableAtStart}
 */
public record DataGap(
    String stationId, String equipmentId, Instant from, Instant to, Instant detectedAt, String reason) {
  public DataGap {
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(equipmentId, "equipmentId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(detectedAt, "detectedAt");
    Objects.requireNonNull(reason, "reason");
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("data gap of " + equipmentId + ": to " + to + " before from " + from);
    }
  }
}
