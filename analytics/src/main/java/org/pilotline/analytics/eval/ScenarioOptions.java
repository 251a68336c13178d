package org.pilotline.analytics.eval;

import java.nio.file.Path;

/**
 * The evaluation scenario and how to run it. Parsed from the command line by
 * {@code EvaluateCommand}: {@code --seed N --cells N --faultRate F --trainFraction F
 * --taktSeconds S --cellsPerRoll N --stepMillis N --falseAlarmRate F --config DIR --jdbcUrl URL
 * --groundTruth FILE}.
 *
 * @param seed the simulator's and the fault plan's seed: same seed, same scenario
 * @param cells cells trained on and scored (warm-up cells come on top)
 * @param faultRate the fraction of {@code cells} that faults should touch, in (0, 0.5]; all of
 *     them fall in the scored part
 * @param trainFraction the first fraction of {@code cells} the models train on, in (0, 1)
 * @param taktSeconds simulated seconds between two cells
 * @param cellsPerRoll how many cells one roll makes
 * @param stepMillis simulated milliseconds between two samples of the line (each tag reports at
 *     most its latest sample per step)
 * @param falseAlarmRate the fraction of training cells each model's threshold flags, in (0, 1)
 * @param configDir the folder holding {@code line.yaml} and {@code features.yaml}
 * @param jdbcUrl a PostgreSQL to run in (a throw-away schema is made and dropped), or null for a
 *     throw-away embedded PostgreSQL
 * @param groundTruth where to write the ground-truth CSV, or null for nowhere
 */
public record ScenarioOptions(long seed, int cells, double faultRate, double trainFraction,
    double taktSeconds, int cellsPerRoll, long stepMillis, double falseAlarmRate, Path configDir,
    String jdbcUrl, Path groundTruth) {
  public ScenarioOptions {
    if (cells < 100) {
      throw new IllegalArgumentException("--cells must be at least 100, got " + cells);
    }
    if (!(faultRate > 0 && faultRate <= 0.5)) {
      throw new IllegalArgumentException("--faultRate must be in (0, 0.5], got " + faultRate);
    }
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new IllegalArgumentException("--trainFraction must be in (0, 1), got " + trainFraction);
    }
    if (!(taktSeconds > 0) || !Double.isFinite(taktSeconds)) {
      throw new IllegalArgumentException("--taktSeconds must be a positive number, got " + taktSeconds);
    }
    if (cellsPerRoll < 1) {
      throw new IllegalArgumentException("--cellsPerRoll must be at least 1, got " + cellsPerRoll);
    }
    if (stepMillis < 1 || stepMillis > taktSeconds * 1000 / 10) {
      throw new IllegalArgumentException("--stepMillis must be between 1 and a tenth of the takt ("
          + (long) (taktSeconds * 100) + "), got " + stepMillis);
    }
    if (!(falseAlarmRate > 0 && falseAlarmRate < 1)) {
      throw new IllegalArgumentException("--falseAlarmRate must be in (0, 1), got " + falseAlarmRate);
    }
    if (configDir == null) {
      throw new IllegalArgumentException("a config folder is required");
    }
  }

  /** Seed 1, 2000 cells, 5 % faulty, train on the first 40 %, 60 s takt, 10 cells a roll, 1 s steps, 1 % false alarms. */
  public static ScenarioOptions defaults() {
    return new ScenarioOptions(1, 2000, 0.05, 0.4, 60, 10, 1000, 0.01, Path.of("config"), null, null);
  }

  /** How many of {@link #cells} the models train on. */
  public int trainingCells() {
    return (int) Math.round(trainFraction * cells);
  }

  /**
   * Parses {@code --key value} pairs over the defaults.
   *
   * @throws IllegalArgumentException naming the option and the fault
   */
  public static ScenarioOptions parse(String[] args) {
    ScenarioOptions d = defaults();
    long seed = d.seed;
    int cells = d.cells;
    double faultRate = d.faultRate;
    double trainFraction = d.trainFraction;
    double takt = d.taktSeconds;
    int cellsPerRoll = d.cellsPerRoll;
    long stepMillis = d.stepMillis;
    double falseAlarmRate = d.falseAlarmRate;
    Path configDir = Path.of(System.getProperty("pilotline.config.dir", "config"));
    String jdbcUrl = null;
    Path groundTruth = null;
    for (int i = 0; i < args.length; i++) {
      String key = args[i];
      if (!key.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument \"" + key + "\"; options are --key value");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(key + ": missing value");
      }
      String value = args[++i];
      switch (key) {
        case "--seed" -> seed = (long) number(key, value);
        case "--cells" -> cells = integer(key, value);
        case "--faultRate" -> faultRate = number(key, value);
        case "--trainFraction" -> trainFraction = number(key, value);
        case "--taktSeconds" -> takt = number(key, value);
        case "--cellsPerRoll" -> cellsPerRoll = integer(key, value);
        case "--stepMillis" -> stepMillis = integer(key, value);
        case "--falseAlarmRate" -> falseAlarmRate = number(key, value);
        case "--config" -> configDir = Path.of(value);
        case "--jdbcUrl" -> jdbcUrl = value;
        case "--groundTruth" -> groundTruth = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + key + "; known: --seed, --cells,"
            + " --faultRate, --trainFraction, --taktSeconds, --cellsPerRoll, --stepMillis, --falseAlarmRate,"
            + " --config, --jdbcUrl, --groundTruth");
      }
    }
    return new ScenarioOptions(seed, cells, faultRate, trainFraction, takt, cellsPerRoll, stepMillis,
        falseAlarmRate, configDir, jdbcUrl, groundTruth);
  }

  private static double number(String key, String value) {
    try {
      double v = Double.parseDouble(value);
      if (!Double.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": not a number: \"" + value + "\"");
    }
  }

  private static int integer(String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": not an integer: \"" + value + "\"");
    }
  }
}
