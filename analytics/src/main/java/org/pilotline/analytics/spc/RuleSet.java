package org.pilotline.analytics.spc;

import java.util.EnumSet;
import java.util.Set;

/**
 * The rules a tag's chart checks, configurable per tag.
 *
 * @param rules the enabled rules (copied, never empty)
 * @param sameSideRun the run length of {@link NelsonRule#RULE_2}: 9 (Nelson) or 8 (Western
 *     Electric); 2 or more
 */
public record RuleSet(Set<NelsonRule> rules, int sameSideRun) {
  public RuleSet {
    if (rules == null || rules.isEmpty()) {
      throw new IllegalArgumentException("a rule set needs at least one rule");
    }
    if (sameSideRun < 2) {
      throw new IllegalArgumentException("sameSideRun must be >= 2: " + sameSideRun);
    }
    rules = Set.copyOf(EnumSet.copyOf(rules));
  }

  /** All eight Nelson rules, run of 9. */
  public static RuleSet nelson() {
    return new RuleSet(EnumSet.allOf(NelsonRule.class), 9);
  }

  /** The four Western Electric zone rules: 1 beyond 3σ, 2 of 3 beyond 2σ, 4 of 5 beyond 1σ, 8 on one side. */
  public static RuleSet westernElectric() {
    return new RuleSet(EnumSet.of(NelsonRule.RULE_1, NelsonRule.RULE_2, NelsonRule.RULE_5,
        NelsonRule.RULE_6), 8);
  }

  /** The given Nelson rules, with Nelson's run of 9 for rule 2. */
  public static RuleSet of(NelsonRule first, NelsonRule... rest) {
    return new RuleSet(EnumSet.of(first, rest), 9);
  }

  public boolean has(NelsonRule rule) {
    return rules.contains(rule);
  }
}
