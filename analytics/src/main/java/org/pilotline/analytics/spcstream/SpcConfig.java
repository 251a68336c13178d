package org.pilotline.analytics.spcstream;

import java.util.List;
import java.util.Objects;
import org.pilotline.analytics.spc.TagSpcSettings;

/**
 * What {@code config/spc.yaml} asks for: one entry per tag that is charted or gets Cpk/Ppk.
 *
 * @param tags per-tag settings, at most one per tag key, in file order (then the tags added by
 *     {@code capability.allSpecTags}, in line order)
 * @param capabilityRefreshMs how often the Cpk/Ppk table is recomputed
 */
public record SpcConfig(List<TagSpcSettings> tags, long capabilityRefreshMs) {
  public SpcConfig {
    tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
    if (tags.stream().map(TagSpcSettings::tagKey).distinct().count() != tags.size()) {
      throw new IllegalArgumentException("a tag is listed twice");
    }
    if (capabilityRefreshMs < 100) {
      throw new IllegalArgumentException("capabilityRefreshMs must be >= 100: " + capabilityRefreshMs);
    }
  }
}
