package org.pilotline.acquisition.sim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the simulator runs. Parsed from the command line by {@link #parse(String[])}:
 * {@code --config config/line.yaml --seed N --timeScale X --taktSeconds S --cellsPerRoll N --rollsPerLot N
 * --fault "spec" (repeatable) --groundTruth file.csv --duration 2h --tickMs 100}.
 *
 * @param seed all randomness derives from it; same seed, line and faults give the same values
 * @param timeScale simulated seconds per real second (100 = 100x real time)
 * @param taktSeconds simulated seconds between two cells
 * @param cellsPerRoll how many cells one roll makes
 * @param rollsPerLot how many rolls one material lot makes
 * @param faults injected faults
 * @param groundTruth the CSV the labels of finished cells go to, or null for none
 * @param duration how long (simulated) to run, or null to run until stopped
 * @param tickMs real milliseconds between two simulation steps of the driver
 * @param config the line file named by {@code --config} (default {@code config/line.yaml}); the
 *     launcher loads it, the simulator itself never reads files
 */
public record SimulatorOptions(
    long seed,
    double timeScale,
    double taktSeconds,
    int cellsPerRoll,
    int rollsPerLot,
    List<FaultSpec> faults,
    Path groundTruth,
    Duration duration,
    long tickMs,
    Path config) {

  public SimulatorOptions {
    faults = List.copyOf(faults);
    if (!(timeScale > 0) || !Double.isFinite(timeScale)) {
      throw new IllegalArgumentException("timeScale must be a positive number, got " + timeScale);
    }
    if (!(taktSeconds > 0) || !Double.isFinite(taktSeconds)) {
      throw new IllegalArgumentException("taktSeconds must be a positive number, got " + taktSeconds);
    }
    if (cellsPerRoll < 1) {
      throw new IllegalArgumentException("cellsPerRoll must be at least 1, got " + cellsPerRoll);
    }
    if (rollsPerLot < 1) {
      throw new IllegalArgumentException("rollsPerLot must be at least 1, got " + rollsPerLot);
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("duration must be positive, got " + duration);
    }
    Objects.requireNonNull(config, "config");
    if (tickMs < 1) {
      throw new IllegalArgumentException("tickMs must be at least 1, got " + tickMs);
    }
  }

  /** Seed 1, real time, 60 s takt, 20 cells a roll, 5 rolls a lot, no faults, no ground truth, 100 ms ticks. */
  public static SimulatorOptions defaults() {
    return new SimulatorOptions(1L, 1.0, 60.0, 20, 5, List.of(), null, null, 100L, Path.of("config", "line.yaml"));
  }

  public SimulatorOptions withSeed(long newSeed) {
    return new SimulatorOptions(newSeed, timeScale, taktSeconds, cellsPerRoll, rollsPerLot, faults, groundTruth, duration, tickMs, config);
  }

  public SimulatorOptions withTimeScale(double newTimeScale) {
    return new SimulatorOptions(seed, newTimeScale, taktSeconds, cellsPerRoll, rollsPerLot, faults, groundTruth, duration, tickMs, config);
  }

  public SimulatorOptions withTaktSeconds(double newTakt) {
    return new SimulatorOptions(seed, timeScale, newTakt, cellsPerRoll, rollsPerLot, faults, groundTruth, duration, tickMs, config);
  }

  public SimulatorOptions withCellsPerRoll(int n) {
    return new SimulatorOptions(seed, timeScale, taktSeconds, n, rollsPerLot, faults, groundTruth, duration, tickMs, config);
  }

  public SimulatorOptions withFaults(List<FaultSpec> newFaults) {
    return new SimulatorOptions(seed, timeScale, taktSeconds, cellsPerRoll, rollsPerLot, newFaults, groundTruth, duration, tickMs, config);
  }

  public SimulatorOptions withGroundTruth(Path path) {
    return new SimulatorOptions(seed, timeScale, taktSeconds, cellsPerRoll, rollsPerLot, faults, path, duration, tickMs, config);
  }

  public SimulatorOptions withDuration(Duration d) {
    return new SimulatorOptions(seed, timeScale, taktSeconds, cellsPerRoll, rollsPerLot, faults, groundTruth, d, tickMs, config);
  }

  public SimulatorOptions withConfig(Path file) {
    return new SimulatorOptions(seed, timeScale, taktSeconds, cellsPerRoll, rollsPerLot, faults, groundTruth, duration, tickMs, file);
  }

  public SimulatorOptions withTickMs(long ms) {
    return new SimulatorOptions(seed, timeScale, taktSeconds, cellsPerRoll, rollsPerLot, faults, groundTruth, duration, ms, config);
  }

  /**
   * Parses command-line options. Unknown options are errors.
   *
   * @throws IllegalArgumentException naming the option and what is wrong
   */
  public static SimulatorOptions parse(String[] args) {
    Objects.requireNonNull(args, "args");
    SimulatorOptions o = defaults();
    List<FaultSpec> faults = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      String value;
      int eq = name.indexOf('=');
      if (name.startsWith("--") && eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + ": missing value");
        }
        value = args[++i];
      }
      try {
        switch (name) {
          case "--config" -> o = o.withConfig(Path.of(value));
          case "--seed" -> o = o.withSeed(Long.parseLong(value));
          case "--timeScale" -> o = o.withTimeScale(Double.parseDouble(value));
          case "--taktSeconds" -> o = o.withTaktSeconds(Double.parseDouble(value));
          case "--cellsPerRoll" -> o = o.withCellsPerRoll(Integer.parseInt(value));
          case "--rollsPerLot" -> o = new SimulatorOptions(o.seed, o.timeScale, o.taktSeconds, o.cellsPerRoll,
              Integer.parseInt(value), o.faults, o.groundTruth, o.duration, o.tickMs, o.config);
          case "--fault" -> faults.add(FaultSpec.parse(value));
          case "--groundTruth" -> o = o.withGroundTruth(Path.of(value));
          case "--duration" -> o = o.withDuration(FaultSpec.parseDuration(value));
          case "--tickMs" -> o = o.withTickMs(Long.parseLong(value));
          default -> throw new IllegalArgumentException(name + ": unknown option; known: --config, --seed, "
              + "--timeScale, --taktSeconds, --cellsPerRoll, --rollsPerLot, --fault, --groundTruth, --duration, --tickMs");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": not a number: \"" + value + "\"");
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && (e.getMessage().startsWith(name) || e.getMessage().startsWith("fault "))) {
          throw e;
        }
        throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
      }
    }
    return o.withFaults(faults);
  }
}
