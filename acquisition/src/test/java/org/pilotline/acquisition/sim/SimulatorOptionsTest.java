package org.pilotline.acquisition.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorOptionsTest {
  @Test
  void parsesEveryOptionAndRepeatedFaults() {
    SimulatorOptions o = SimulatorOptions.parse(new String[] {
        "--config", "config/line.yaml", "--seed", "42", "--timeScale", "100", "--taktSeconds=30",
        "--cellsPerRoll", "10", "--rollsPerLot", "3", "--fault", "pressureLoss start=600s duration=300s",
        "--fault", "channelFault channel=3 start=20m", "--groundTruth", "out/truth.csv", "--duration", "2h",
        "--tickMs", "50"});
    assertEquals(42L, o.seed());
    assertEquals(100.0, o.timeScale());
    assertEquals(30.0, o.taktSeconds());
    assertEquals(10, o.cellsPerRoll());
    assertEquals(3, o.rollsPerLot());
    assertEquals(List.of(FaultKind.PRESSURE_LOSS, FaultKind.CHANNEL_FAULT), o.faults().stream().map(FaultSpec::kind).toList());
    assertEquals(Path.of("out/truth.csv"), o.groundTruth());
    assertEquals(Duration.ofHours(2), o.duration());
    assertEquals(50L, o.tickMs());
    assertEquals(Path.of("config/line.yaml"), o.config());
  }

  @Test
  void noArgumentsGiveTheDefaults() {
    SimulatorOptions o = SimulatorOptions.parse(new String[0]);
    assertEquals(SimulatorOptions.defaults(), o);
    assertNull(o.groundTruth());
  }

  @Test
  void errorsNameTheOption() {
    assertEquals("--timeScale: not a number: \"fast\"", message("--timeScale", "fast"));
    assertEquals("--timeScale: timeScale must be a positive number, got 0.0", message("--timeScale", "0"));
    assertEquals("--speed: unknown option; known: --config, --seed, --timeScale, --taktSeconds, --cellsPerRoll, "
        + "--rollsPerLot, --fault, --groundTruth, --duration, --tickMs", message("--speed", "1"));
    assertEquals("--seed: missing value", message("--seed"));
    assertEquals("--duration: not a duration: \"long\"; use e.g. 90s, 15m, 2h or 500ms", message("--duration", "long"));
    assertEquals("fault \"wobble\": unknown kind \"wobble\"; known: rollWear, loadingStep, dryRoomExcursion, "
        + "pressureLoss, channelFault, drift, step", message("--fault", "wobble"));
  }

  private static String message(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> SimulatorOptions.parse(args)).getMessage();
  }
}
