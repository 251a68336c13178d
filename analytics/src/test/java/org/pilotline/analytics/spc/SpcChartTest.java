package org.pilotline.analytics.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each rule on hand-made sequences in sigma units (centre 0, sigma 1): where it fires, where not. */
class SpcChartTest {
  private static final ControlLimits UNIT = ControlLimits.of(0, 1);

  /** Feeds the values to a chart checking only {@code rule}; returns the indices it fired at. */
  private static List<Long> firings(NelsonRule rule, double... values) {
    return firings(RuleSet.of(rule), rule, values);
  }

  private static List<Long> firings(RuleSet rules, NelsonRule rule, double... values) {
    SpcChart chart = new SpcChart(UNIT, rules);
    List<Long> at = new ArrayList<>();
    for (double v : values) {
      for (Violation violation : chart.add(v)) {
        assertEquals(rule, violation.rule());
        at.add(violation.index());
      }
    }
    return at;
  }

  private static double[] repeat(int n, double v) {
    return IntStream.range(0, n).mapToDouble(i -> v).toArray();
  }

  private static double[] alternate(int n, double amplitude) {
    return IntStream.range(0, n).mapToDouble(i -> i % 2 == 0 ? amplitude : -amplitude).toArray();
  }

  private static double[] concat(double[] a, double... b) {
    double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Nested
  class Rule1 {
    @Test
    void firesOnOnePointBeyondThreeSigmaEitherSide() {
      assertEquals(List.of(1L, 3L), firings(NelsonRule.RULE_1, 0, 3.01, 0, -3.5));
    }

    @Test
    void doesNotFireOnTheLimitItself() {
      assertEquals(List.of(), firings(NelsonRule.RULE_1, 3.0, -3.0, 2.99));
    }
  }

  @Nested
  class Rule2 {
    @Test
    void firesOnNinthPointOnTheSameSide() {
      assertEquals(List.of(8L), firings(NelsonRule.RULE_2, repeat(9, -0.2)));
    }

    @Test
    void doesNotFireWhenAPointOnTheCentreLineBreaksTheRun() {
      assertEquals(List.of(), firings(NelsonRule.RULE_2, concat(repeat(8, 0.2), 0.0, 0.2)));
    }

    @Test
    void westernElectricCountsEight() {
      assertEquals(List.of(7L), firings(RuleSet.westernElectric(), NelsonRule.RULE_2,
          concat(repeat(8, 0.2), -0.2)));
    }

    @Test
    void westernElectricDoesNotFireOnSeven() {
      assertEquals(List.of(), firings(RuleSet.westernElectric(), NelsonRule.RULE_2,
          concat(repeat(7, 0.2), -0.2, 0.2)));
    }

    // A longer run keeps firing at each point (Minitab's convention), documented on SpcChart.
    @Test
    void longerRunFiresAtEachFurtherPoint() {
      assertEquals(List.of(8L, 9L, 10L), firings(NelsonRule.RULE_2, repeat(11, 0.2)));
    }
  }

  @Nested
  class Rule3 {
    @Test
    void firesOnSixStrictlyIncreasingOrDecreasing() {
      assertEquals(List.of(5L), firings(NelsonRule.RULE_3, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6));
      assertEquals(List.of(5L), firings(NelsonRule.RULE_3, 0.6, 0.5, 0.4, 0.3, 0.2, -2.0));
    }

    @Test
    void doesNotFireOnAFlatStepOrOnlyFiveRising() {
      assertEquals(List.of(), firings(NelsonRule.RULE_3, 0.1, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6));
      assertEquals(List.of(), firings(NelsonRule.RULE_3, 0.1, 0.2, 0.3, 0.4, 0.5, 0.4));
    }
  }

  @Nested
  class Rule4 {
    @Test
    void firesOnFourteenAlternating() {
      assertEquals(List.of(13L), firings(NelsonRule.RULE_4, alternate(14, 0.3)));
    }

    @Test
    void doesNotFireOnThirteenOrWhenTwoStepsGoTheSameWay() {
      assertEquals(List.of(), firings(NelsonRule.RULE_4, alternate(13, 0.3)));
      double[] broken = alternate(14, 0.3);
      broken[7] = 0.35; // -0.3 -> 0.35 -> 0.3 ... steps up then down: still alternating
      broken[8] = 0.4; // 0.35 -> 0.4 is a second step up in a row
      assertEquals(List.of(), firings(NelsonRule.RULE_4, broken));
    }
  }

  @Nested
  class Rule5 {
    @Test
    void firesOnTwoOfThreeBeyondTwoSigmaOnTheSameSide() {
      assertEquals(List.of(3L), firings(NelsonRule.RULE_5, 0, 2.5, 0, 2.1));
      assertEquals(List.of(2L), firings(NelsonRule.RULE_5, 0, -2.5, -2.1));
    }

    @Test
    void doesNotFireOnOppositeSidesOnTheLimitOrThreeApart() {
      assertEquals(List.of(), firings(NelsonRule.RULE_5, 0, 2.5, -2.5));
      assertEquals(List.of(), firings(NelsonRule.RULE_5, 0, 2.5, 2.0));
      assertEquals(List.of(), firings(NelsonRule.RULE_5, 2.5, 0, 0, 2.5));
    }
  }

  @Nested
  class Rule6 {
    @Test
    void firesOnFourOfFiveBeyondOneSigmaOnTheSameSide() {
      assertEquals(List.of(5L), firings(NelsonRule.RULE_6, 0, 1.5, 1.5, 0, 1.5, 1.5));
    }

    @Test
    void doesNotFireWithThreeOnOneSideOrWhenTheNewestIsInside() {
      assertEquals(List.of(), firings(NelsonRule.RULE_6, 1.5, -1.5, 1.5, 0, 1.5));
      // fires once at index 4; the window ending at 0.5 still holds four, but the newest is inside
      assertEquals(List.of(4L), firings(NelsonRule.RULE_6, 0, 1.5, 1.5, 1.5, 1.5, 0.5));
    }
  }

  @Nested
  class Rule7 {
    @Test
    void firesOnFifteenWithinOneSigma() {
      assertEquals(List.of(14L), firings(NelsonRule.RULE_7, alternate(15, 0.5)));
    }

    @Test
    void doesNotFireWhenOnePointIsOnTheOneSigmaLine() {
      double[] values = alternate(15, 0.5);
      values[6] = 1.0;
      assertEquals(List.of(), firings(NelsonRule.RULE_7, values));
    }
  }

  @Nested
  class Rule8 {
    @Test
    void firesOnEightBeyondOneSigmaEitherSide() {
      assertEquals(List.of(7L), firings(NelsonRule.RULE_8, alternate(8, 1.5)));
    }

    @Test
    void doesNotFireWhenOnePointIsWithinOneSigma() {
      assertEquals(List.of(), firings(NelsonRule.RULE_8, concat(alternate(7, 1.5), 0.9)));
    }
  }

  @Test
  void violationNamesTheRuleTheTimeAndThePointsInvolved() {
    SpcChart chart = new SpcChart(UNIT, RuleSet.nelson());
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    chart.add(t0, 0.0);
    chart.add(t0.plusSeconds(1), 2.5);
    List<Violation> v = chart.add(t0.plusSeconds(2), 2.6);

    assertEquals(1, v.size());
    assertEquals(NelsonRule.RULE_5, v.get(0).rule());
    assertEquals(2L, v.get(0).index());
    assertEquals(t0.plusSeconds(2), v.get(0).time());
    assertEquals(List.of(0.0, 2.5, 2.6),
        v.get(0).points().stream().map(SpcPoint::value).toList());
  }

  @Test
  void disabledRulesStaySilent() {
    SpcChart chart = new SpcChart(UNIT, RuleSet.of(NelsonRule.RULE_7));
    assertEquals(List.of(), chart.add(10.0));
  }

  @Test
  void limitsFromABaselineUseTheAverageMovingRange() {
    // mean (1+3+2+4)/4 = 2.5; moving ranges 2, 1, 2 -> 5/3; sigma = (5/3)/1.128 = 1.477541
    ControlLimits limits = ControlLimits.fromBaseline(new double[] {1, 3, 2, 4});
    assertEquals(2.5, limits.center(), 1e-12);
    assertEquals(5.0 / 3 / 1.128, limits.sigma(), 1e-12);
    assertEquals(2.5 + 3 * 1.4775413, limits.upper(3), 1e-6);
  }

  @Test
  void aFlatBaselineIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> ControlLimits.fromBaseline(new double[] {2, 2, 2}));
  }

  @Test
  void inControlNoiseRarelyTriggersRuleOne() {
    // 3σ: two-sided tail 0.27 %; 20 000 seeded N(0,1) points should give about 54.
    java.util.Random rnd = new java.util.Random(7);
    SpcChart chart = new SpcChart(UNIT, RuleSet.of(NelsonRule.RULE_1));
    int n = 0;
    for (int i = 0; i < 20_000; i++) {
      n += chart.add(rnd.nextGaussian()).size();
    }
    assertTrue(n > 25 && n < 90, "rule 1 firings: " + n);
  }
}
