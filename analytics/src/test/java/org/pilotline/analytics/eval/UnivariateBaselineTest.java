package org.pilotline.analytics.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnivariateBaselineTest {
  // Column a: mean 0, sd 1 (values -1, 0, 1 with n-1); column b: mean 10, sd 2.
  private static final double[][] TRAIN = {{-1, 8}, {0, 10}, {1, 12}};

  @Test
  void scoreIsTheLargestAbsoluteZAndItsFeatureIsTheCause() {
    UnivariateBaseline b = UnivariateBaseline.fit(TRAIN, List.of("a", "b"));
    UnivariateBaseline.Verdict v = b.score(new double[] {2.5, 3});
    // z = (2.5, -3.5): |-3.5| wins, beyond the 3σ limit.
    assertEquals(3.5, v.maxAbsZ(), 1e-12);
    assertEquals("b", v.topFeature());
    assertTrue(v.flagged());
  }

  @Test
  void withinThreeSigmaOnEveryFeatureIsNotFlagged() {
    UnivariateBaseline b = UnivariateBaseline.fit(TRAIN, List.of("a", "b"));
    UnivariateBaseline.Verdict v = b.score(new double[] {-2.9, 15.9});
    assertEquals(2.95, v.maxAbsZ(), 1e-12);
    assertEquals("b", v.topFeature());
    assertFalse(v.flagged());
  }
}
