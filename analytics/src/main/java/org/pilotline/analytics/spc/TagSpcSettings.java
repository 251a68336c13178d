package org.pilotline.analytics.spc;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What runs on one tag's stream.
 *
 * @param tagKey the tag's line-wide key, {@code station/equipment/tag}
 * @param limits where the control limits come from; null for a tag that gets Cpk/Ppk only
 * @param subgrouping what one charted point is
 * @param rules the zone and run rules checked (may be empty when EWMA or CUSUM runs)
 * @param ewma the EWMA chart, or null for none
 * @param cusum the CUSUM chart, or null for none
 * @param holdOff charted points: a rule that fires again within this many points of its last
 *     firing belongs to the same episode and is not reported again (0 reports every firing)
 * @param lsl lower spec limit from the line, or null
 * @param usl upper spec limit from the line, or null
 * @param capabilityWindow individual values in the rolling Cpk/Ppk window; 0 for none
 */
public record TagSpcSettings(String tagKey, LimitSource limits, Subgrouping subgrouping,
    Set<SpcRule> rules, EwmaSettings ewma, CusumSettings cusum, int holdOff, Double lsl,
    Double usl, int capabilityWindow) {
  public TagSpcSettings {
    Objects.requireNonNull(tagKey, "tagKey");
    Objects.requireNonNull(subgrouping, "subgrouping");
    rules = rules == null || rules.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rules));
    if (holdOff < 0) {
      throw new IllegalArgumentException("holdOff must be >= 0: " + holdOff);
    }
    if (capabilityWindow != 0 && capabilityWindow < 2) {
      throw new IllegalArgumentException("capabilityWindow must be 0 or >= 2: " + capabilityWindow);
    }
    if (lsl != null && usl != null && !(lsl < usl)) {
      throw new IllegalArgumentException("lsl " + lsl + " must be < usl " + usl);
    }
    boolean charted = !rules.isEmpty() || ewma != null || cusum != null;
    if (limits == null && charted) {
      throw new IllegalArgumentException(tagKey + ": rules, EWMA or CUSUM need control limits");
    }
    if (limits != null && !charted) {
      throw new IllegalArgumentException(tagKey + ": control limits without any rule, EWMA or CUSUM");
    }
    if (!rules.isEmpty() && SpcRule.conflict(rules) != null) {
      throw new IllegalArgumentException(tagKey + ": " + SpcRule.conflict(rules));
    }
    if (!charted && (capabilityWindow == 0 || (lsl == null && usl == null))) {
      throw new IllegalArgumentException(tagKey + ": no chart and no capability: nothing to do");
    }
  }

  /** Whether anything is charted (otherwise the tag gets Cpk/Ppk only). */
  public boolean charted() {
    return limits != null;
  }

  /** Whether Cpk/Ppk is computed: a window and at least one spec limit. */
  public boolean hasCapability() {
    return capabilityWindow > 0 && (lsl != null || usl != null);
  }

  /** The same settings with other limits (a stored baseline resolved at start). */
  public TagSpcSettings withLimits(LimitSource newLimits) {
    return new TagSpcSettings(tagKey, newLimits, subgrouping, rules, ewma, cusum, holdOff, lsl,
        usl, capabilityWindow);
  }

  /** A tag with spec limits that gets Cpk/Ppk and nothing else. */
  public static TagSpcSettings capabilityOnly(String tagKey, Double lsl, Double usl, int window) {
    return new TagSpcSettings(tagKey, null, new Subgrouping.Individual(), Set.of(), null, null, 0,
        lsl, usl, window);
  }
}
