package org.pilotline.analytics.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CapabilityTest {
  // 9, 11, 10, 12, 8, 10: mean 60/6 = 10.
  // Moving ranges 2, 1, 2, 4, 2 -> 11/5 = 2.2; sigma within = 2.2/1.128 = 1.9503546.
  // Deviations -1, 1, 0, 2, -2, 0 -> sum of squares 10 -> variance 10/5 = 2; sigma overall = 1.4142136.
  private static final double[] WINDOW = {9, 11, 10, 12, 8, 10};
  private static final double WITHIN = 2.2 / 1.128;

  @Test
  void twoSidedIndicesOnKnownData() {
    // LSL 4, USL 19.
    // Cpk = min(19-10, 10-4)/(3*1.9503546) = 6/5.8510638 = 1.0254545
    // Ppk = 6/(3*1.4142136) = 1.4142136
    // Cp = 15/(6*1.9503546) = 1.2818182; Pp = 15/(6*1.4142136) = 1.7677670
    Capability c = Capability.of(WINDOW, 4.0, 19.0);
    assertEquals(6, c.n());
    assertEquals(10.0, c.mean(), 1e-12);
    assertEquals(WITHIN, c.sigmaWithin(), 1e-12);
    assertEquals(Math.sqrt(2), c.sigmaOverall(), 1e-12);
    assertEquals(1.0254545, c.cpk(), 1e-6);
    assertEquals(1.4142136, c.ppk(), 1e-6);
    assertEquals(1.2818182, c.cp(), 1e-6);
    assertEquals(1.7677670, c.pp(), 1e-6);
  }

  @Test
  void upperLimitOnlyGivesTheUpperSide() {
    // Cpk = (19-10)/5.8510638 = 1.5381818; Ppk = 9/4.2426407 = 2.1213203
    Capability c = Capability.of(WINDOW, null, 19.0);
    assertEquals(1.5381818, c.cpk(), 1e-6);
    assertEquals(2.1213203, c.ppk(), 1e-6);
    assertTrue(Double.isNaN(c.cp()));
    assertTrue(Double.isNaN(c.pp()));
  }

  @Test
  void lowerLimitOnlyGivesTheLowerSide() {
    // Cpk = (10-4)/5.8510638 = 1.0254545
    assertEquals(1.0254545, Capability.of(WINDOW, 4.0, null).cpk(), 1e-6);
  }

  @Test
  void meanOutsideTheSpecGivesANegativeIndex() {
    // (10-12)/(3*1.4142136) = -0.4714045
    assertEquals(-0.4714045, Capability.of(WINDOW, 12.0, 30.0).ppk(), 1e-6);
  }

  @Test
  void noSpecLimitIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Capability.of(WINDOW, null, null));
  }
}
