package org.pilotline.acquisition.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.pilotline.acquisition.sim.FaultSpec;

/**
 * How a soak runs. Parsed by {@link #parse(String[])} from {@code --minutes 30 --rate 20000
 * --outage-every 5m --outage-seconds 60 ...}; see {@link #USAGE}.
 *
 * @param duration how long the simulator produces, counted from the moment every tag is subscribed
 * @param rate readings per second offered (tags x changes per second)
 * @param outageEvery the database is stopped every this long (first at {@code firstOutageAfter});
 *     null for no outages
 * @param outage how long each outage lasts (stop to restart)
 * @param firstOutageAfter when the first outage starts
 * @param changeMs every tag changes this often
 * @param equipment OPC UA endpoints (one client and session each) the tags are spread over
 * @param dir where the embedded database and the spool live; null for a fresh temporary folder
 * @param jdbcUrl a PostgreSQL to use instead of the embedded one (no outages then); null for embedded
 * @param keep keep the folder (and, with jdbcUrl, the schema) after the run
 * @param progressEvery how often a progress line is printed
 */
public record SoakOptions(
    Duration duration,
    int rate,
    Duration outageEvery,
    Duration outage,
    Duration firstOutageAfter,
    double changeMs,
    int equipment,
    Path dir,
    String jdbcUrl,
    boolean keep,
    Duration progressEvery) {

  public static final String USAGE = """
      usage: soak [--minutes 30] [--rate 20000] [--outage-every 5m] [--outage-seconds 60]
                  [--first-outage-after DURATION] [--change-ms 200] [--equipment 10]
                  [--dir DIR] [--jdbc-url URL] [--keep] [--progress-every 60s]
        --minutes N            how long the simulator produces (decimals allowed; default 30)
        --rate N               readings per second offered (default 20000)
        --outage-every D       stop the database every D, e.g. 5m (default 5m; 0 = never)
        --outage-seconds N     each outage lasts N seconds (default 60)
        --first-outage-after D the first outage starts then (default: --outage-every)
        --change-ms N          each simulated tag changes every N ms (default 200; tags = rate x N / 1000)
        --equipment N          OPC UA endpoints the tags are spread over (default 10)
        --dir DIR              folder for the embedded PostgreSQL and the spool (default: a new
                               temporary folder, deleted at the end unless --keep)
        --jdbc-url URL         use this PostgreSQL (user and password in the URL) instead of the
                               embedded one; a fresh schema soak_<random> is used, and no outages
        --keep                 keep the folder, and with --jdbc-url the schema
        --progress-every D     progress line interval (default 60s)
      Durations: 90s, 15m, 2h, 500ms; a bare number is seconds.
      Exit code 0 when nothing was lost or duplicated, 1 otherwise, 2 for bad arguments.""";

  public SoakOptions {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(outage, "outage");
    Objects.requireNonNull(progressEvery, "progressEvery");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--minutes: must be positive");
    }
    if (rate < 1) {
      throw new IllegalArgumentException("--rate: must be at least 1 reading a second, got " + rate);
    }
    if (!(changeMs >= 10) || !Double.isFinite(changeMs)) {
      throw new IllegalArgumentException("--change-ms: must be at least 10, got " + changeMs);
    }
    if (equipment < 1) {
      throw new IllegalArgumentException("--equipment: must be at least 1, got " + equipment);
    }
    if (progressEvery.toMillis() < 100) {
      throw new IllegalArgumentException("--progress-every: must be at least 100ms");
    }
    if (outageEvery != null) {
      if (outage.isNegative() || outage.isZero()) {
        throw new IllegalArgumentException("--outage-seconds: must be positive");
      }
      if (outageEvery.compareTo(outage) <= 0) {
        throw new IllegalArgumentException("--outage-every (" + outageEvery.toSeconds()
            + " s) must be longer than --outage-seconds (" + outage.toSeconds() + " s)");
      }
      if (jdbcUrl != null) {
        throw new IllegalArgumentException("--jdbc-url: outages need the embedded database (it is "
            + "stopped and restarted); add --outage-every 0");
      }
      Objects.requireNonNull(firstOutageAfter, "firstOutageAfter");
    }
  }

  /** 30 minutes at 20,000 readings/s, a 60 s outage every 5 minutes, embedded database. */
  public static SoakOptions defaults() {
    return new SoakOptions(Duration.ofMinutes(30), 20_000, Duration.ofMinutes(5), Duration.ofSeconds(60),
        Duration.ofMinutes(5), 200, 10, null, null, false, Duration.ofSeconds(60));
  }

  /**
   * Parses the command line.
   *
   * @throws IllegalArgumentException naming the option and the fault
   */
  public static SoakOptions parse(String[] args) {
    Duration duration = Duration.ofMinutes(30);
    int rate = 20_000;
    Duration every = Duration.ofMinutes(5);
    boolean everyGiven = false;
    Duration outage = Duration.ofSeconds(60);
    Duration first = null;
    double changeMs = 200;
    int equipment = 10;
    Path dir = null;
    String url = null;
    boolean keep = false;
    Duration progress = Duration.ofSeconds(60);
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--keep")) {
        keep = true;
        continue;
      }
      if (name.equals("--help") || name.equals("-h")) {
        throw new IllegalArgumentException("");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name.startsWith("--") ? name + ": missing value" : "unknown argument: " + name);
      }
      String value = args[++i];
      try {
        switch (name) {
          case "--minutes" -> duration = Duration.ofMillis(Math.round(positive(Double.parseDouble(value)) * 60_000));
          case "--rate" -> rate = Integer.parseInt(value);
          case "--outage-every" -> {
            every = FaultSpec.parseDuration(value);
            everyGiven = true;
          }
          case "--outage-seconds" -> outage = Duration.ofMillis(Math.round(positive(Double.parseDouble(value)) * 1000));
          case "--first-outage-after" -> first = FaultSpec.parseDuration(value);
          case "--change-ms" -> changeMs = Double.parseDouble(value);
          case "--equipment" -> equipment = Integer.parseInt(value);
          case "--dir" -> dir = Path.of(value);
          case "--jdbc-url" -> url = value;
          case "--progress-every" -> progress = FaultSpec.parseDuration(value);
          default -> throw new IllegalArgumentException("unknown option");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": not a number: \"" + value + "\"");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
      }
    }
    if (every.isZero() || (url != null && !everyGiven)) {
      every = null;
    }
    return new SoakOptions(duration, rate, every, outage, first != null ? first : every, changeMs, equipment,
        dir, url, keep, progress);
  }

  private static double positive(double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException("must be a positive number");
    }
    return v;
  }
}
