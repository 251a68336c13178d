package org.pilotline.analytics.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImputationTest {
  private static final double NaN = Double.NaN;
  private static final List<String> NAMES = List.of("a", "b", "c");

  @Test
  void aFeatureMissingTooOftenIsDroppedAndTheRestImputedWithTheTrainingMean() {
    double[][] rows = {
        {1, 10, NaN},
        {3, NaN, NaN},
        {5, 30, 7},
        {7, 20, NaN},
    };
    // b is missing in 1/4 (kept at 0.25), c in 3/4 (dropped)
    Imputation m = Imputation.fit(NAMES, rows, 0.25);

    assertEquals(List.of("a", "b"), m.features());
    assertEquals(0.75, m.dropped().get("c"));
    assertArrayEquals(new double[] {4, 20}, m.fill());
    assertArrayEquals(new double[][] {{1, 10}, {3, 20}, {5, 30}, {7, 20}}, m.apply(NAMES, rows));
  }

  // The scorer applies the training policy and reports what it filled in.
  @Test
  void scoringAVectorNamesTheImputedFeaturesAndIgnoresDroppedOnes() {
    Imputation m = Imputation.fit(NAMES, new double[][] {{1, 2, NaN}, {3, 4, NaN}}, 0.2);
    Imputation.Prepared p = m.apply(List.of("c", "b", "a"), new double[] {99, NaN, 5});

    assertArrayEquals(new double[] {5, 3}, p.values());
    assertEquals(List.of("b"), p.imputed());
  }

  @Test
  void aFeatureAbsentFromTheVectorCountsAsMissing() {
    Imputation m = Imputation.fit(List.of("a", "b"), new double[][] {{1, 2}, {3, 4}}, 0.2);
    Imputation.Prepared p = m.apply(List.of("a"), new double[] {8});
    assertArrayEquals(new double[] {8, 3}, p.values());
    assertEquals(List.of("b"), p.imputed());
  }

  @Test
  void trainingWhereEveryFeatureIsMostlyMissingIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Imputation.fit(List.of("a"), new double[][] {{NaN}, {NaN}, {1}}, 0.2));
    assertTrue(e.getMessage().contains("every feature is missing"), e.getMessage());
  }
}
