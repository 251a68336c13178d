package org.pilotline.analytics.spcstream;

import java.time.Instant;
import java.util.Objects;
import org.pilotline.analytics.spc.SpcAlarm;

/**
 * One row of {@code spc_violation}: an alarm on a tag, as stored and published.
 *
 * @param id the row id, or null before it is stored (or when storing failed)
 * @param tagId the tag's database id
 * @param tagKey the tag, {@code station/equipment/tag}
 * @param alarm what fired, when and why
 * @param detectedAt wall-clock time the processor raised it
 */
public record SpcViolation(Long id, int tagId, String tagKey, SpcAlarm alarm, Instant detectedAt) {
  public SpcViolation {
    Objects.requireNonNull(tagKey, "tagKey");
    Objects.requireNonNull(alarm, "alarm");
    Objects.requireNonNull(detectedAt, "detectedAt");
  }

  public SpcViolation withId(long newId) {
    return new SpcViolation(newId, tagId, tagKey, alarm, detectedAt);
  }
}
