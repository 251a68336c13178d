package org.pilotline.hmi.web;

import java.time.Instant;
import java.util.Objects;

/**
 * The latest known state of one configured tag or unit slot, as the HMI shows it.
 *
 * @param kind {@code process} for a process tag, {@code unit} for a current-unit node
 * @param value the latest numeric value; null when none was stored or it was not numeric
 * @param text for a unit node, the unit id it holds ("" when empty); null for process tags
 * @param statusCode the OPC UA StatusCode of the latest reading; null when there is none
 * @param sourceTime the equipment's time of the latest value; for a unit node, the time of its
 *     last change
 * @param subscription {@code ok}, {@code failed} or {@code pending}
 * @param detail why the subscription failed, else empty
 */
public record TagSnapshot(
    String key,
    String kind,
    String station,
    String equipment,
    String tag,
    String unit,
    Double value,
    String text,
    Long statusCode,
    Instant sourceTime,
    Instant serverTime,
    Double lsl,
    Double usl,
    Double target,
    String subscription,
    String detail) {
  public TagSnapshot {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subscription, "subscription");
    Objects.requireNonNull(detail, "detail");
  }
}
