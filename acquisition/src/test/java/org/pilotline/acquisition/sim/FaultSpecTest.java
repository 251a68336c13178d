package org.pilotline.acquisition.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultSpecTest {
  @Nested
  class Parsing {
    @Test
    void pressureLossWithWindowAndMagnitude() {
      FaultSpec f = FaultSpec.parse("pressureLoss start=600s duration=300s magnitude=0.15");
      assertEquals(FaultKind.PRESSURE_LOSS, f.kind());
      assertEquals(Duration.ofSeconds(600), f.start());
      assertEquals(Duration.ofSeconds(300), f.duration());
      assertEquals(0.15, f.magnitude());
      assertEquals("isostaticPress.pressure", f.effectiveTarget());
    }

    @Test
    void channelFaultTakesItsChannelAndLastsToTheEnd() {
      FaultSpec f = FaultSpec.parse("channelFault channel=3 start=20m");
      assertEquals(3, f.channel());
      assertEquals(Duration.ofMinutes(20), f.start());
      assertNull(f.duration());
      assertEquals(0.2, f.magnitude());
    }

    @Test
    void targetAfterColonOverridesTheDefault() {
      FaultSpec f = FaultSpec.parse("rollWear:calendering.thicknessAfter ramp=2h magnitude=0.03");
      assertEquals("calendering.thicknessAfter", f.effectiveTarget());
      assertEquals(Duration.ofHours(2), f.ramp());
    }

    @Test
    void defaultsApplyWhenKeysAreLeftOut() {
      FaultSpec f = FaultSpec.parse("  loadingStep  ");
      assertEquals(Duration.ZERO, f.start());
      assertNull(f.duration());
      assertEquals(FaultKind.LOADING_STEP.defaultMagnitude(), f.magnitude());
    }

    @ParameterizedTest
    @CsvSource({"500ms,500", "90,90000", "90s,90000", "15m,900000", "2h,7200000", "1.5m,90000"})
    void timesTakeUnits(String text, long millis) {
      assertEquals(Duration.ofMillis(millis), FaultSpec.parse("step:a.b start=" + text).start());
    }
  }

  @Nested
  class Window {
    @Test
    void stepFaultIsFullyOnInsideItsWindowOnly() {
      FaultSpec f = FaultSpec.parse("loadingStep start=10m duration=5m");
      assertEquals(0.0, f.effectAt(Duration.ofMinutes(9)));
      assertEquals(1.0, f.effectAt(Duration.ofMinutes(10)));
      assertEquals(0.0, f.effectAt(Duration.ofMinutes(15)));
    }

    @Test
    void rampedFaultGrowsOverItsRamp() {
      FaultSpec f = FaultSpec.parse("rollWear start=10m ramp=10m");
      assertEquals(0.5, f.effectAt(Duration.ofMinutes(15)), 1e-9);
      assertEquals(1.0, f.effectAt(Duration.ofHours(5)));
      assertTrue(f.activeAt(Duration.ofHours(5)));
      assertFalse(f.activeAt(Duration.ofMinutes(9)));
    }
  }

  @Nested
  class Errors {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "wobble start=1m|fault \"wobble start=1m\": unknown kind \"wobble\"; known: rollWear, loadingStep, dryRoomExcursion, pressureLoss, channelFault, drift, step",
        "pressureLoss start=soon|fault \"pressureLoss start=soon\": start: not a duration: \"soon\"; use e.g. 90s, 15m, 2h or 500ms",
        "pressureLoss magnitude=big|fault \"pressureLoss magnitude=big\": magnitude: not a number: \"big\"",
        "pressureLoss channel=2|fault \"pressureLoss channel=2\": unknown key \"channel\" for pressureLoss; allowed: duration, magnitude, start",
        "drift start=1m|fault \"drift start=1m\": drift needs a target: drift:station.tag",
        "channelFault channel=0|fault \"channelFault channel=0\": channel must be a positive integer, got \"0\"",
        "pressureLoss 600s|fault \"pressureLoss 600s\": expected key=value, got \"600s\"",
        "pressureLoss start=1m start=2m|fault \"pressureLoss start=1m start=2m\": key \"start\" given twice",
        "loadingStep duration=0s|fault \"loadingStep duration=0s\": duration must be positive",
        "step: start=1m|fault \"step: start=1m\": empty target after ':'",
    })
    void errorsNameTheInputAndTheFault(String text, String message) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse(text));
      assertEquals(message, e.getMessage());
    }

    @Test
    void emptyStringIsRejected() {
      assertEquals("fault \"\": empty fault; expected kind[:target] key=value ...",
          assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse("")).getMessage());
    }
  }
}
