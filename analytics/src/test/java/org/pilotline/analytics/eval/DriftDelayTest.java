package org.pilotline.analytics.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pilotline.analytics.spc.ControlLimits;
import org.pilotline.analytics.spc.CusumChart;

class DriftDelayTest {
  private static final ControlLimits UNIT = ControlLimits.of(0, 1);

  @Test
  void delayCountsSamplesFromTheOnsetToTheSignal() {
    // CUSUM k=0.5, h=5 on +2 steps: C+ = 1.5, 3, 4.5, 6 > 5 at the fourth drifted sample.
    double[] seq = new double[80];
    Arrays.fill(seq, 60, 80, 2.0);
    DriftDelay.Result r = DriftDelay.measure(seq, 60, () -> new CusumChart(UNIT, 0.5, 5)::add);
    assertEquals(Optional.of(4), r.delay());
    assertEquals(0, r.falseAlarms());
  }

  @Test
  void aSignalBeforeTheOnsetIsAFalseAlarmAndTheChartStartsAfresh() {
    double[] seq = new double[80];
    seq[30] = 20; // C+ = 19.5 > 5: one false alarm in the warm-up
    Arrays.fill(seq, 60, 80, 2.0);
    DriftDelay.Result r = DriftDelay.measure(seq, 60, () -> new CusumChart(UNIT, 0.5, 5)::add);
    assertEquals(1, r.falseAlarms());
    assertEquals(Optional.of(4), r.delay());
  }

  @Test
  void aDriftTooSmallToSignalBeforeTheEndHasNoDelay() {
    double[] seq = new double[70];
    Arrays.fill(seq, 60, 70, 0.4); // below k: C+ never grows
    DriftDelay.Result r = DriftDelay.measure(seq, 60, () -> new CusumChart(UNIT, 0.5, 5)::add);
    assertEquals(Optional.empty(), r.delay());
    assertEquals(10, r.samplesAfterOnset());
  }
}
