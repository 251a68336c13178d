package org.pilotline.acquisition.soak;

import java.io.PrintStream;
import org.pilotline.acquisition.sim.WriteListener;

/**
 * {@code soak [options]}: runs acquisition at a steady rate for a long time while the database is
 * stopped and restarted on a schedule, then prints what was produced, stored, lost and duplicated,
 * the recovery time of each outage and the heap and disk used. Not part of the test suite (it runs
 * for half an hour by default). See {@link SoakOptions#USAGE} and docs/RELIABILITY.md.
 */
public final class SoakCommand {
  /** Exit codes: nothing lost or duplicated; readings lost, duplicated or dropped, or the run failed; bad arguments. */
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private SoakCommand() {}

  /** Runs the command; progress and the figures go to {@code out}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    SoakOptions options;
    try {
      options = SoakOptions.parse(args);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        err.println("soak: " + e.getMessage());
      }
      err.println(SoakOptions.USAGE);
      return USAGE;
    }
    try (SoakRun run = SoakRun.start(options, out, WriteListener.NONE)) {
      SoakResult result = run.run();
      SoakRun.print(result, out);
      return result.passed() ? OK : FAILED;
    } catch (Exception e) {
      err.println("soak: failed: " + e);
      e.printStackTrace(err);
      return FAILED;
    }
  }
}
