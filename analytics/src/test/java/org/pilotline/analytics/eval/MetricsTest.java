package org.pilotline.analytics.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Nested
  class RocAuc {
    @Test
    void textbookExampleGivesThreeQuarters() {
      // Pairs (faulty, good): (0.35,0.1) win, (0.35,0.4) loss, (0.8,0.1) win, (0.8,0.4) win: 3 of 4.
      double auc = Metrics.rocAuc(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true});
      assertEquals(0.75, auc, 1e-12);
    }

    @Test
    void perfectSeparationIsOneAndInvertedIsZero() {
      boolean[] truth = {false, false, true, true};
      assertEquals(1.0, Metrics.rocAuc(new double[] {1, 2, 3, 4}, truth), 1e-12);
      assertEquals(0.0, Metrics.rocAuc(new double[] {4, 3, 2, 1}, truth), 1e-12);
    }

    @Test
    void tiesBetweenClassesCountOneHalf() {
      // (0.5 faulty vs 0.5 good) = 1/2, (0.9 faulty vs 0.5 good) = 1: (0.5 + 1) / 2.
      assertEquals(0.75, Metrics.rocAuc(new double[] {0.5, 0.5, 0.9}, new boolean[] {false, true, true}), 1e-12);
      assertEquals(0.5, Metrics.rocAuc(new double[] {7, 7, 7, 7, 7}, new boolean[] {true, false, false, true, false}), 1e-12);
    }

    @Test
    void agreesWithCountingEveryPairOnALargerSet() {
      java.util.SplittableRandom r = new java.util.SplittableRandom(3);
      int n = 300;
      double[] s = new double[n];
      boolean[] y = new boolean[n];
      for (int i = 0; i < n; i++) {
        y[i] = r.nextInt(5) == 0;
        // Coarse scores, so that ties are frequent.
        s[i] = Math.rint((y[i] ? 1 : 0) + 2 * r.nextDouble());
      }
      double wins = 0;
      long pairs = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (y[i] && !y[j]) {
            pairs++;
            wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
          }
        }
      }
      assertEquals(wins / pairs, Metrics.rocAuc(s, y), 1e-12);
    }

    @Test
    void isUndefinedWithoutBothClasses() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Metrics.rocAuc(new double[] {1, 2}, new boolean[] {false, false}));
      assertTrue(e.getMessage().contains("0 faulty"), e.getMessage());
    }
  }

  @Test
  void confusionCountsPrecisionRecallAndFalseAlarmRate() {
    boolean[] flagged = {true, true, true, false, false, false, false, false, true, false};
    boolean[] faulty = {true, true, false, true, false, false, false, false, false, false};
    Confusion c = Metrics.confusion(flagged, faulty);
    assertEquals(new Confusion(2, 2, 5, 1), c);
    assertEquals(0.5, c.precision(), 1e-12);
    assertEquals(2.0 / 3, c.recall(), 1e-12);
    assertEquals(2.0 / 7, c.falseAlarmRate(), 1e-12);
  }

  @Test
  void precisionIsUndefinedWhenNothingIsFlagged() {
    assertTrue(Double.isNaN(new Confusion(0, 0, 5, 1).precision()));
  }

  @Test
  void topOneAccuracyCountsATopGroupAmongAnyOfTheCauses() {
    double acc = Metrics.topOneAccuracy(
        List.of("isostaticPress", "eol", "dryRoom", "calendering"),
        List.of(Set.of("isostaticPress"), Set.of("formation"), Set.of("dryRoom"), Set.of("coating", "calendering")));
    assertEquals(0.75, acc, 1e-12);
    assertTrue(Double.isNaN(Metrics.topOneAccuracy(List.of(), List.of())));
  }
}
