package org.pilotline.acquisition.sim;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One injected fault, parsed from the grammar shared by {@code application.yaml} and the
 * simulator's command line: {@code kind[:target] key=value ...}, for example
 * {@code pressureLoss start=600s duration=300s magnitude=0.15} or
 * {@code channelFault channel=3 start=20m}.
 *
 * <p>Keys: {@code start} (default 0), {@code duration} (default: to the end of the run),
 * {@code magnitude} (meaning per {@link FaultKind}), {@code ramp} (ramped kinds, default 30m),
 * {@code channel} (channelFault, 1-based, default 1). Times are simulated time since the start,
 * written {@code 90}, {@code 90s}, {@code 15m}, {@code 2h} or {@code 500ms}.
 *
 * @param text the string it was parsed from, quoted in every error about it
 * @param target {@code station.tag}, or a station id for channelFault; null means the kind's default
 * @param duration null when the fault lasts to the end of the run
 * @param channel the formation channel (1-based) for channelFault, else 0
 */
public record FaultSpec(
    String text,
    FaultKind kind,
    String target,
    Duration start,
    Duration duration,
    double magnitude,
    Duration ramp,
    int channel) {

  private static final Duration DEFAULT_RAMP = Duration.ofMinutes(30);

  public FaultSpec {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(ramp, "ramp");
    if (start.isNegative()) {
      throw new IllegalArgumentException(error(text, "start must not be negative"));
    }
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw new IllegalArgumentException(error(text, "duration must be positive"));
    }
    if (!Double.isFinite(magnitude)) {
      throw new IllegalArgumentException(error(text, "magnitude must be a finite number"));
    }
  }

  /**
   * Parses one fault string.
   *
   * @throws IllegalArgumentException naming the input and what is wrong with it
   */
  public static FaultSpec parse(String text) {
    Objects.requireNonNull(text, "text");
    String[] words = text.trim().split("\\s+");
    if (words.length == 0 || words[0].isEmpty()) {
      throw new IllegalArgumentException(error(text, "empty fault; expected kind[:target] key=value ..."));
    }
    String head = words[0];
    int colon = head.indexOf(':');
    String kindName = colon < 0 ? head : head.substring(0, colon);
    String target = colon < 0 ? null : head.substring(colon + 1);
    FaultKind kind = FaultKind.fromLabel(kindName).orElseThrow(() -> new IllegalArgumentException(
        error(text, "unknown kind \"" + kindName + "\"; known: "
            + Arrays.stream(FaultKind.values()).map(FaultKind::label).collect(Collectors.joining(", ")))));
    if (target != null && target.isEmpty()) {
      throw new IllegalArgumentException(error(text, "empty target after ':'"));
    }
    if (target == null && kind.defaultTarget() == null && kind != FaultKind.CHANNEL_FAULT) {
      throw new IllegalArgumentException(error(text, kind.label() + " needs a target: " + kind.label() + ":station.tag"));
    }
    Map<String, String> keys = new LinkedHashMap<>();
    for (int i = 1; i < words.length; i++) {
      String word = words[i];
      int eq = word.indexOf('=');
      if (eq <= 0 || eq == word.length() - 1) {
        throw new IllegalArgumentException(error(text, "expected key=value, got \"" + word + "\""));
      }
      String key = word.substring(0, eq);
      if (!allowedKeys(kind).contains(key)) {
        throw new IllegalArgumentException(error(text, "unknown key \"" + key + "\" for " + kind.label()
            + "; allowed: " + String.join(", ", allowedKeys(kind))));
      }
      if (keys.put(key, word.substring(eq + 1)) != null) {
        throw new IllegalArgumentException(error(text, "key \"" + key + "\" given twice"));
      }
    }
    Duration start = keys.containsKey("start") ? duration(text, "start", keys.get("start")) : Duration.ZERO;
    Duration duration = keys.containsKey("duration") ? duration(text, "duration", keys.get("duration")) : null;
    Duration ramp = keys.containsKey("ramp") ? duration(text, "ramp", keys.get("ramp")) : DEFAULT_RAMP;
    if (ramp.isZero() || ramp.isNegative()) {
      throw new IllegalArgumentException(error(text, "ramp must be positive"));
    }
    double magnitude = keys.containsKey("magnitude")
        ? number(text, "magnitude", keys.get("magnitude"))
        : kind.defaultMagnitude();
    int channel = 0;
    if (kind == FaultKind.CHANNEL_FAULT) {
      String c = keys.getOrDefault("channel", "1");
      try {
        channel = Integer.parseInt(c);
      } catch (NumberFormatException e) {
        channel = -1;
      }
      if (channel < 1) {
        throw new IllegalArgumentException(error(text, "channel must be a positive integer, got \"" + c + "\""));
      }
    }
    return new FaultSpec(text, kind, target, start, duration, magnitude, ramp, channel);
  }

  /** The target this fault hits: the one written, or the kind's default. Null for a channelFault without one. */
  public String effectiveTarget() {
    return target != null ? target : kind.defaultTarget();
  }

  /** True when the fault is in force at {@code t} (simulated time since the start). */
  public boolean activeAt(Duration t) {
    return t.compareTo(start) >= 0 && (duration == null || t.compareTo(start.plus(duration)) < 0);
  }

  /**
   * How much of the fault's full effect applies at {@code t}: 0 outside the window, 1 inside it,
   * growing linearly over {@link #ramp()} for ramped kinds.
   */
  public double effectAt(Duration t) {
    if (!activeAt(t)) {
      return 0.0;
    }
    if (!kind.ramped()) {
      return 1.0;
    }
    double done = (t.minus(start).toNanos()) / (double) ramp.toNanos();
    return Math.min(1.0, done);
  }

  /** An error message about a fault string: {@code fault "<text>": <fault>}. */
  static String error(String text, String fault) {
    return "fault \"" + text + "\": " + fault;
  }

  private static TreeSet<String> allowedKeys(FaultKind kind) {
    TreeSet<String> keys = new TreeSet<>(java.util.List.of("start", "duration", "magnitude"));
    keys.addAll(kind.extraKeys());
    return keys;
  }

  private static double number(String text, String key, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(error(text, key + ": not a number: \"" + value + "\""));
    }
  }

  private static Duration duration(String text, String key, String value) {
    try {
      return parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(error(text, key + ": " + e.getMessage()));
    }
  }

  /** Parses {@code 90}, {@code 90s}, {@code 15m}, {@code 2h} or {@code 500ms}; a bare number is seconds. */
  public static Duration parseDuration(String value) {
    String number = value;
    double unitNanos = 1e9;
    if (value.endsWith("ms")) {
      number = value.substring(0, value.length() - 2);
      unitNanos = 1e6;
    } else if (value.endsWith("s")) {
      number = value.substring(0, value.length() - 1);
    } else if (value.endsWith("m")) {
      number = value.substring(0, value.length() - 1);
      unitNanos = 60e9;
    } else if (value.endsWith("h")) {
      number = value.substring(0, value.length() - 1);
      unitNanos = 3600e9;
    }
    try {
      double n = Double.parseDouble(number);
      if (!Double.isFinite(n)) {
        throw new NumberFormatException();
      }
      return Duration.ofNanos(Math.round(n * unitNanos));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: \"" + value + "\"; use e.g. 90s, 15m, 2h or 500ms");
    }
  }
}
