package org.pilotline.analytics.spc;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A zone or run rule as configured for a tag, by the name it is stored under in
 * {@code spc_violation.rule}. The Western Electric rules are Nelson rules under another name,
 * except that WE 4 counts 8 points on one side where Nelson 2 counts 9.
 */
public enum SpcRule {
  NELSON_1(NelsonRule.RULE_1),
  NELSON_2(NelsonRule.RULE_2),
  NELSON_3(NelsonRule.RULE_3),
  NELSON_4(NelsonRule.RULE_4),
  NELSON_5(NelsonRule.RULE_5),
  NELSON_6(NelsonRule.RULE_6),
  NELSON_7(NelsonRule.RULE_7),
  NELSON_8(NelsonRule.RULE_8),
  /** 1 point beyond 3σ. */
  WE_1(NelsonRule.RULE_1),
  /** 2 of 3 beyond 2σ on one side. */
  WE_2(NelsonRule.RULE_5),
  /** 4 of 5 beyond 1σ on one side. */
  WE_3(NelsonRule.RULE_6),
  /** 8 in a row on one side. */
  WE_4(NelsonRule.RULE_2);

  private final NelsonRule nelson;

  SpcRule(NelsonRule nelson) {
    this.nelson = nelson;
  }

  /** The chart rule that evaluates it. */
  public NelsonRule nelson() {
    return nelson;
  }

  /** What it looks for, for messages and the HMI. */
  public String description() {
    return this == WE_4 ? "8 points in a row on the same side of the centre line"
        : this == NELSON_2 ? "9 points in a row on the same side of the centre line"
        : nelson.description();
  }

  /**
   * Why these rules cannot be checked together, or null if they can: two names for one chart
   * rule (NELSON_1 and WE_1), or both run lengths of the same-side rule (NELSON_2 and WE_4).
   */
  public static String conflict(Set<SpcRule> rules) {
    Map<NelsonRule, SpcRule> seen = new EnumMap<>(NelsonRule.class);
    for (SpcRule r : EnumSet.copyOf(rules)) {
      SpcRule other = seen.putIfAbsent(r.nelson, r);
      if (other != null) {
        return other + " and " + r + " are the same rule" + (r.nelson == NelsonRule.RULE_2
            ? " with different run lengths (9 and 8)" : "") + "; keep one";
      }
    }
    return null;
  }

  /** The chart's rule set for these rules (not empty, no {@link #conflict}). */
  public static RuleSet ruleSet(Set<SpcRule> rules) {
    String why = rules.isEmpty() ? "no rules" : conflict(rules);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    Set<NelsonRule> chartRules = EnumSet.noneOf(NelsonRule.class);
    rules.forEach(r -> chartRules.add(r.nelson));
    return new RuleSet(chartRules, rules.contains(WE_4) ? 8 : 9);
  }
}
