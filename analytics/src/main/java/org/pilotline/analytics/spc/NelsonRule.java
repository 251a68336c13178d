package org.pilotline.analytics.spc;

/**
 * The eight Nelson rules for an individuals chart (rules 1, 2, 5 and 6 are also the four Western
 * Electric rules, where WE's run rule counts 8 rather than 9 points; see {@link RuleSet}).
 * "Beyond kσ" is strict: a point exactly on a limit is not beyond it.
 */
public enum NelsonRule {
  /** One point beyond 3σ from the centre line. */
  RULE_1("1 point beyond 3 sigma"),
  /** A run of points on the same side of the centre line (9 for Nelson, 8 for Western Electric). */
  RULE_2("points in a row on the same side of the centre line"),
  /** 6 points in a row steadily increasing or steadily decreasing (5 strict steps). */
  RULE_3("6 points in a row steadily increasing or decreasing"),
  /** 14 points in a row alternating up and down (13 steps of alternating sign, none flat). */
  RULE_4("14 points in a row alternating up and down"),
  /** 2 of 3 points in a row beyond 2σ on the same side. */
  RULE_5("2 of 3 points beyond 2 sigma on the same side"),
  /** 4 of 5 points in a row beyond 1σ on the same side. */
  RULE_6("4 of 5 points beyond 1 sigma on the same side"),
  /** 15 points in a row within 1σ of the centre line (either side): stratification. */
  RULE_7("15 points in a row within 1 sigma"),
  /**
   * 8 points in a row beyond 1σ, either side (none within 1σ): a mixture. As Minitab's test 8;
   * Nelson's text also asks for points on both sides, which this does not require.
   */
  RULE_8("8 points in a row beyond 1 sigma, either side");

  private final String description;

  NelsonRule(String description) {
    this.description = description;
  }

  /** A one-line description for messages and the HMI. */
  public String description() {
    return description;
  }

  /** The rule's number, 1 to 8. */
  public int number() {
    return ordinal() + 1;
  }
}
