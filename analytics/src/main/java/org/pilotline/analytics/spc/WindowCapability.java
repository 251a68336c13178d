package org.pilotline.analytics.spc;

import java.time.Instant;
import java.util.Objects;

/**
 * Cpk/Ppk of one tag over its rolling window of individual values.
 *
 * @param tagKey the tag, {@code station/equipment/tag}
 * @param capability the indices (see {@link Capability} for the estimators)
 * @param from source time of the oldest value in the window
 * @param to source time of the newest
 */
public record WindowCapability(String tagKey, Capability capability, Instant from, Instant to) {
  public WindowCapability {
    Objects.requireNonNull(tagKey, "tagKey");
    Objects.requireNonNull(capability, "capability");
  }
}
