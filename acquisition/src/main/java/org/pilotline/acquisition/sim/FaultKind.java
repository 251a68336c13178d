package org.pilotline.acquisition.sim;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of fault the simulator can inject, with the name used in fault strings and the
 * defaults that apply when a fault string leaves a key out.
 */
public enum FaultKind {
  /**
   * Calender roll wear: the target (calendered density) drifts gradually by {@code magnitude}
   * (a signed fraction of its level) over {@code ramp}, and stays there until the fault ends.
   */
  ROLL_WEAR("rollWear", "calendering.density", -0.04, true, Set.of("ramp")),
  /** A step in the coater's areal loading by {@code magnitude} (signed fraction of its level). */
  LOADING_STEP("loadingStep", "coating.arealLoading", 0.06, false, Set.of()),
  /**
   * The dry room's dew point rises by {@code magnitude} °C (H2S follows) for the window; cells
   * open on the line during it are exposed.
   */
  DRY_ROOM_EXCURSION("dryRoomExcursion", "dryRoom.dewPoint", 20.0, false, Set.of()),
  /** The press peaks {@code magnitude} (fraction) short of its setpoint for cells pressed in the window. */
  PRESSURE_LOSS("pressureLoss", "isostaticPress.pressure", 0.15, false, Set.of()),
  /**
   * One formation channel misbehaves: its cells charge with less and noisier current, reach
   * {@code magnitude} (fraction) less capacity and run hotter. Target: the formation station id.
   */
  CHANNEL_FAULT("channelFault", null, 0.2, false, Set.of("channel")),
  /** Generic: the target tag ramps by {@code magnitude} × its spec range over {@code ramp}. */
  DRIFT("drift", null, 0.5, true, Set.of("ramp")),
  /** Generic: the target tag steps by {@code magnitude} × its spec range. */
  STEP("step", null, 0.5, false, Set.of());

  private final String label;
  private final String defaultTarget;
  private final double defaultMagnitude;
  private final boolean ramped;
  private final Set<String> extraKeys;

  FaultKind(String label, String defaultTarget, double defaultMagnitude, boolean ramped, Set<String> extraKeys) {
    this.label = label;
    this.defaultTarget = defaultTarget;
    this.defaultMagnitude = defaultMagnitude;
    this.ramped = ramped;
    this.extraKeys = extraKeys;
  }

  /** The name used in fault strings and in the ground-truth file, such as {@code rollWear}. */
  public String label() {
    return label;
  }

  /** {@code station.tag} (or a station id) hit when the fault string names none; null when a target is required. */
  public String defaultTarget() {
    return defaultTarget;
  }

  public double defaultMagnitude() {
    return defaultMagnitude;
  }

  /** True when the effect grows gradually over the fault's {@code ramp} instead of stepping. */
  public boolean ramped() {
    return ramped;
  }

  Set<String> extraKeys() {
    return extraKeys;
  }

  public static Optional<FaultKind> fromLabel(String label) {
    return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst();
  }
}
