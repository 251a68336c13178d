package org.pilotline.analytics.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One tag's SPC state machine on hand-made streams, in sigma units unless said otherwise. */
class TagSpcProcessorTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final LimitSource UNIT = new LimitSource.Given(ControlLimits.of(0, 1));
  private static final Set<SpcRule> WE = EnumSet.of(SpcRule.WE_1, SpcRule.WE_2, SpcRule.WE_3, SpcRule.WE_4);
  private static final EwmaSettings EWMA = new EwmaSettings(0.1, 2.814);
  private static final CusumSettings CUSUM = new CusumSettings(0.5, 5);

  private static TagSpcSettings settings(LimitSource limits, Subgrouping grouping, Set<SpcRule> rules,
      EwmaSettings ewma, CusumSettings cusum, int holdOff) {
    return new TagSpcSettings("coating/coater/dryThickness", limits, grouping, rules, ewma, cusum,
        holdOff, null, null, 0);
  }

  /** Feeds values one per second from T0 + {@code firstSecond}; returns every alarm. */
  private static List<SpcAlarm> feed(TagSpcProcessor p, int firstSecond, double... values) {
    List<SpcAlarm> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.addAll(p.accept(T0.plusSeconds(firstSecond + i), values[i]));
    }
    return out;
  }

  private static double[] repeat(int n, double v) {
    double[] out = new double[n];
    java.util.Arrays.fill(out, v);
    return out;
  }

  /** ±0.3 alternating: close to the centre, on both sides, no run: no rule may fire on it. */
  private static double[] quiet(int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = i % 2 == 0 ? 0.3 : -0.3;
    }
    return out;
  }

  private static List<String> rules(List<SpcAlarm> alarms) {
    return alarms.stream().map(SpcAlarm::rule).toList();
  }

  private static double gaussian(SplittableRandom rnd) {
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }

  @Nested
  class Step {
    @Test
    void aFourSigmaStepFiresRuleOneAtOnceAndEwmaAndCusumOnTheNextPoint() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT, new Subgrouping.Individual(),
          EnumSet.of(SpcRule.NELSON_1), EWMA, CUSUM, 30));
      assertEquals(List.of(), feed(p, 0, quiet(50)));

      // z_1 = 0.4 is inside the EWMA limit (2.814 * sqrt(0.1/1.9 * (1 - 0.9^102)) = 0.646 at
      // steady state); z_2 = 0.4 + 0.9 * 0.4 = 0.76 is beyond. CUSUM: C+ = 3.5, then 7.0 > 5.
      List<SpcAlarm> first = p.accept(T0.plusSeconds(50), 4.0);
      List<SpcAlarm> second = p.accept(T0.plusSeconds(51), 4.0);

      assertEquals(List.of("NELSON_1"), rules(first));
      assertEquals(T0.plusSeconds(50), first.get(0).time());
      assertEquals(4.0, first.get(0).value(), 0.0);
      assertEquals(4.0, first.get(0).figures().get("zScore"), 1e-12);
      assertEquals(List.of("EWMA_UP", "CUSUM_UP"), rules(second));
      assertEquals(5.0, second.get(1).figures().get("limit"), 0.0);
      assertEquals(7.0, second.get(1).figures().get("statistic"), 1e-12);
    }

    @Test
    void aOneAndAHalfSigmaDriftIsCaughtByEwmaAndCusumButNotByRuleOne() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT, new Subgrouping.Individual(),
          EnumSet.of(SpcRule.NELSON_1), EWMA, CUSUM, 30));
      feed(p, 0, quiet(50));
      List<SpcAlarm> alarms = feed(p, 50, repeat(10, 1.5));
      // CUSUM: C+ grows by 1.0 a point from about 0, so it passes 5 on the 6th shifted point.
      assertEquals(Set.of("EWMA_UP", "CUSUM_UP"), Set.copyOf(rules(alarms)));
      assertEquals(2, alarms.size());
      SpcAlarm cusum = alarms.stream().filter(a -> a.rule().equals("CUSUM_UP")).findFirst().orElseThrow();
      assertEquals(T0.plusSeconds(55), cusum.time());
    }

    @Test
    void aDownwardStepIsNamedDown() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT, new Subgrouping.Individual(),
          Set.of(), EWMA, CUSUM, 30));
      feed(p, 0, quiet(20));
      assertEquals(List.of("EWMA_DOWN", "CUSUM_DOWN"), rules(feed(p, 20, -4.0, -4.0)));
    }

    @Test
    void westernElectricRulesAreReportedUnderTheirOwnNames() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT, new Subgrouping.Individual(), WE,
          null, null, 30));
      feed(p, 0, quiet(20));
      // 8 points at +0.5: WE 4 (8 on one side) fires on the 8th; nothing else is touched.
      List<SpcAlarm> alarms = feed(p, 20, repeat(8, 0.5));
      assertEquals(List.of("WE_4"), rules(alarms));
      assertEquals(T0.plusSeconds(27), alarms.get(0).time());
      assertEquals(8, alarms.get(0).points().size());
    }
  }

  @Nested
  class InControl {
    // The false-alarm budget: with the published in-control ARLs (the four Western Electric
    // rules together 91.75, Champ and Woodall 1987; CUSUM k=0.5 h=5 about 465; EWMA 0.1/2.814
    // about 490, see DriftDetectionTest) 20 000 points should raise about
    // 20 000 * (1/91.75 + 1/465 + 1/490) = 302 signals. Hold-off only merges signals, so the
    // alarms must stay within that plus 4 standard errors (sqrt(302) = 17.4): 372.
    @Test
    void twentyThousandSeededInControlPointsStayWithinTheFalseAlarmBudget() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT, new Subgrouping.Individual(), WE,
          EWMA, CUSUM, 30));
      SplittableRandom rnd = new SplittableRandom(20261127);
      List<SpcAlarm> alarms = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        alarms.addAll(p.accept(T0.plusSeconds(i), gaussian(rnd)));
      }
      System.out.printf("in control: %d alarms, %d firings held back, over 20000 points%n",
          alarms.size(), p.suppressed());
      assertTrue(alarms.size() <= 372, "alarms " + alarms.size());
    }

    @Test
    void hundredsOfReadingsNearTheCentreFireNothing() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT, new Subgrouping.Individual(),
          EnumSet.allOf(SpcRule.class).stream().filter(r -> r.name().startsWith("NELSON"))
              .collect(java.util.stream.Collectors.toSet()), EWMA, CUSUM, 0));
      // Slightly irregular so that neither rule 4 (alternation) nor rule 7 (hugging) matches.
      double[] values = new double[600];
      for (int i = 0; i < values.length; i++) {
        values[i] = (i % 3 == 0 ? 1.2 : -0.6) * (i % 2 == 0 ? 1 : -1) * (i % 7 == 0 ? 0.5 : 1);
      }
      assertEquals(List.of(), feed(p, 0, values));
    }
  }

  @Nested
  class HoldOff {
    @Test
    void aSustainedConditionIsOneAlarmUntilItHasBeenQuietForTheHoldOff() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT, new Subgrouping.Individual(),
          EnumSet.of(SpcRule.NELSON_1), null, null, 30));
      assertEquals(1, feed(p, 0, repeat(100, 4.0)).size());
      assertEquals(99, p.suppressed());
      // 30 quiet points are not enough: the 31st point after the last firing is.
      assertEquals(List.of(), feed(p, 100, concat(quiet(29), 4.0)));
      assertEquals(1, feed(p, 130, concat(quiet(30), 4.0)).size());
    }

    @Test
    void holdOffZeroReportsEveryFiring() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT, new Subgrouping.Individual(),
          EnumSet.of(SpcRule.NELSON_1), null, null, 0));
      assertEquals(100, feed(p, 0, repeat(100, 4.0)).size());
    }

    @Test
    void rulesAreHeldOffEachOnTheirOwn() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT, new Subgrouping.Individual(),
          EnumSet.of(SpcRule.NELSON_1, SpcRule.NELSON_5), null, null, 30));
      // 2.5 twice: rule 5 (2 of 3 beyond 2 sigma); then 4.0: rule 1, a different rule, is reported.
      assertEquals(List.of("NELSON_5", "NELSON_1"), rules(feed(p, 0, 0, 2.5, 2.5, 4.0)));
    }

    private static double[] concat(double[] a, double b) {
      double[] out = java.util.Arrays.copyOf(a, a.length + 1);
      out[a.length] = b;
      return out;
    }
  }

  @Nested
  class Baseline {
    @Test
    void limitsComeFromTheFirstPointsAndNothingFiresWhileCollecting() {
      TagSpcProcessor p = new TagSpcProcessor(settings(new LimitSource.FirstPoints(4),
          new Subgrouping.Individual(), EnumSet.of(SpcRule.NELSON_1), null, null, 0));
      assertEquals(List.of(), feed(p, 0, 1, 3, 2, 4));
      // mean 2.5, sigma (5/3)/1.128 = 1.4775: UCL = 6.93
      assertEquals(2.5, p.limits().orElseThrow().center(), 1e-12);
      assertEquals(List.of(), feed(p, 4, 6.9));
      assertEquals(List.of("NELSON_1"), rules(feed(p, 5, 7.0)));
    }

    @Test
    void aFlatBaselineIsCollectedAgain() {
      TagSpcProcessor p = new TagSpcProcessor(settings(new LimitSource.FirstPoints(3),
          new Subgrouping.Individual(), EnumSet.of(SpcRule.NELSON_1), null, null, 0));
      feed(p, 0, 5, 5, 5);
      assertTrue(p.limits().isEmpty());
      assertEquals(1, p.baselineRestarts());
      feed(p, 3, 5, 6, 5);
      assertEquals(16.0 / 3, p.limits().orElseThrow().center(), 1e-12);
    }

    @Test
    void aStoredHistoryIsGroupedLikeTheLiveStream() {
      List<Instant> times = List.of(T0, T0.plusMillis(400), T0.plusSeconds(1), T0.plusMillis(1500),
          T0.plusSeconds(2));
      // 1 s buckets: means 2, 4, 9 (the last bucket is open but counts)
      ControlLimits l = TagSpcProcessor.baselineOf(new Subgrouping.TimeBucket(Duration.ofSeconds(1)),
          times, new double[] {1, 3, 2, 6, 9});
      assertEquals(5.0, l.center(), 1e-12);
      assertEquals((2 + 5) / 2.0 / ControlLimits.D2, l.sigma(), 1e-12);
    }

    @Test
    void aStoredWindowMustBeResolvedBeforeTheProcessorStarts() {
      assertThrows(IllegalArgumentException.class, () -> new TagSpcProcessor(settings(
          new LimitSource.StoredWindow(T0, T0.plusSeconds(60)), new Subgrouping.Individual(),
          EnumSet.of(SpcRule.NELSON_1), null, null, 0)));
    }
  }

  @Nested
  class Subgroups {
    @Test
    void meansOfFiveAreChartedAtTheTimeOfTheirLastValue() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT, new Subgrouping.MeanOf(5),
          EnumSet.of(SpcRule.NELSON_1), null, null, 0));
      // One 10 sigma value in five averages to 2: no alarm. Five at 3.2 average beyond 3.
      assertEquals(List.of(), feed(p, 0, 0, 0, 10, 0, 0));
      List<SpcAlarm> alarms = feed(p, 5, 3.2, 3.2, 3.2, 3.2, 3.2);
      assertEquals(1, alarms.size());
      assertEquals(T0.plusSeconds(9), alarms.get(0).time());
      assertEquals(5.0, alarms.get(0).figures().get("n"), 0.0);
      assertEquals(2, p.points());
    }

    @Test
    void aTenHertzTagInOneSecondBucketsChartsOncePerSecondAndAlarmsOnce() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT,
          new Subgrouping.TimeBucket(Duration.ofSeconds(1)), EnumSet.of(SpcRule.NELSON_1), null,
          null, 30));
      List<SpcAlarm> alarms = new ArrayList<>();
      // A minute at 10 Hz, stepped to 5 sigma after 10 s.
      for (int i = 0; i < 600; i++) {
        alarms.addAll(p.accept(T0.plusMillis(100L * i), i < 100 ? (i % 2 == 0 ? 0.3 : -0.3) : 5.0));
      }
      assertEquals(59, p.points()); // the 60th second's bucket is still open
      assertEquals(1, alarms.size());
      assertEquals(T0.plusMillis(10_900), alarms.get(0).time()); // last value of second 10
      assertEquals(10.0, alarms.get(0).figures().get("n"), 0.0);
    }

    @Test
    void aValueForABucketAlreadyChartedIsCountedLateAndLeftOut() {
      TagSpcProcessor p = new TagSpcProcessor(settings(UNIT,
          new Subgrouping.TimeBucket(Duration.ofSeconds(1)), EnumSet.of(SpcRule.NELSON_1), null,
          null, 0));
      p.accept(T0, 0.1);
      p.accept(T0.plusSeconds(1), 0.1);
      assertEquals(List.of(), p.accept(T0.plusMillis(500), 50.0));
      assertEquals(1, p.late());
    }
  }

  @Nested
  class CapabilityWindow {
    private TagSpcSettings spec(int window) {
      return TagSpcSettings.capabilityOnly("coating/coater/dryThickness", 4.0, 19.0, window);
    }

    @Test
    void cpkAndPpkOnKnownData() {
      // The data of CapabilityTest: mean 10, sigma within 2.2/1.128, overall sqrt(2).
      TagSpcProcessor p = new TagSpcProcessor(spec(6));
      feed(p, 0, 9, 11, 10, 12, 8, 10);
      WindowCapability c = p.capability().orElseThrow();
      assertEquals(1.0254545, c.capability().cpk(), 1e-6);
      assertEquals(1.4142136, c.capability().ppk(), 1e-6);
      assertEquals(T0, c.from());
      assertEquals(T0.plusSeconds(5), c.to());
    }

    @Test
    void theWindowRollsOverTheNewestValues() {
      TagSpcProcessor p = new TagSpcProcessor(spec(4));
      feed(p, 0, 100, -50, 9, 11, 10, 12);
      // Window 9, 11, 10, 12: mean 10.5, moving ranges 2, 1, 2 -> sigma within (5/3)/1.128;
      // Cpk = min(19 - 10.5, 10.5 - 4) / (3 * 1.4775413) = 6.5 / 4.4326241 = 1.4664
      WindowCapability c = p.capability().orElseThrow();
      assertEquals(4, c.capability().n());
      assertEquals(10.5, c.capability().mean(), 1e-12);
      assertEquals(6.5 / (3 * (5.0 / 3 / 1.128)), c.capability().cpk(), 1e-9);
      assertEquals(T0.plusSeconds(2), c.from());
    }

    @Test
    void aCapabilityOnlyTagNeverAlarmsAndAFlatWindowHasNoIndex() {
      TagSpcProcessor p = new TagSpcProcessor(spec(10));
      assertEquals(List.of(), feed(p, 0, repeat(10, 1000.0)));
      assertTrue(p.capability().isEmpty());
      assertTrue(p.limits().isEmpty());
    }
  }

  @Test
  void settingsWithoutAnythingToDoAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> settings(UNIT, new Subgrouping.Individual(),
        Set.of(), null, null, 0));
    assertThrows(IllegalArgumentException.class, () -> settings(UNIT, new Subgrouping.Individual(),
        EnumSet.of(SpcRule.NELSON_2, SpcRule.WE_4), null, null, 0));
    assertThrows(IllegalArgumentException.class,
        () -> TagSpcSettings.capabilityOnly("a/b/c", null, null, 100));
  }
}
