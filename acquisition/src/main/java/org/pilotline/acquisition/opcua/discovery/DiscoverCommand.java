package org.pilotline.acquisition.opcua.discovery;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.ConfigException;

/**
 * {@code discover <opc.tcp://host:port/path> [options]}: browses an endpoint and writes a draft
 * {@code line.yaml}. Progress and the summary go to stderr, the draft to {@code --out} or stdout.
 */
public final class DiscoverCommand {
  /** Exit codes: done, discovery failed or found nothing to acquire, bad arguments. */
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  static final String USAGE_TEXT = """
      usage: discover opc.tcp://host:port[/path] [--out FILE] [--max-nodes N] [--max-depth N]
                      [--start NODEID] [--unit-pattern REGEX] [--timeout SECONDS] [--include-ns0]
        --out FILE          write the draft line.yaml here (default: stdout)
        --max-nodes N       stop after N objects and variables (default 10000)
        --max-depth N       browse at most N levels below the start node (default 12)
        --start NODEID      start node, e.g. "nsu=urn:vendor:plc;s=Line1" (default: the Objects folder)
        --unit-pattern RE   String variables whose browse name matches RE become unit slots
                            (default, ignoring case: (current)?(unit|cell|roll|lot|batch)(id)?$)
        --timeout SECONDS   bound on connecting and on every service call (default 10)
        --include-ns0       also browse the OPC UA namespace (the Server object's diagnostics)
      Security is None for now.""";

  private DiscoverCommand() {}

  /** Runs the command; returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    DiscoveryOptions options;
    Path outFile = null;
    try {
      if (args.length == 0 || args[0].startsWith("-")) {
        throw new IllegalArgumentException(args.length > 0 && args[0].equals("--help") ? "" : "no endpoint URL given");
      }
      options = DiscoveryOptions.of(args[0]);
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--include-ns0")) {
          options = options.withNamespaceZero(true);
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("unknown option or missing value: " + a);
        }
        String v = args[++i];
        switch (a) {
          case "--out" -> outFile = Path.of(v);
          case "--max-nodes" -> options = options.withMaxNodes(integer(a, v));
          case "--max-depth" -> options = options.withMaxDepth(integer(a, v));
          case "--start" -> options = options.withStartNode(v);
          case "--unit-pattern" -> options = options.withUnitSlotPattern(pattern(v));
          case "--timeout" -> options = options.withCallTimeout(Duration.ofMillis((long) (number(a, v) * 1000)));
          default -> throw new IllegalArgumentException("unknown option: " + a);
        }
      }
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        err.println("discover: " + e.getMessage());
      }
      err.println(USAGE_TEXT);
      return USAGE;
    }
    return run(options, outFile, out, err);
  }

  /** Runs a discovery with these options; the draft goes to {@code outFile}, or {@code out} when null. */
  public static int run(DiscoveryOptions options, Path outFile, PrintStream out, PrintStream err) {
    DiscoveryProgress progress = new DiscoveryProgress(err, Duration.ofSeconds(1));
    DiscoveryResult result;
    try {
      result = MiloAddressSpaceBrowser.discover(options, progress);
    } catch (MiloAddressSpaceBrowser.DiscoveryException e) {
      err.println("discover: failed: " + e.getMessage());
      return FAILED;
    }
    DraftLineWriter.Draft draft = DraftLineWriter.write(result, options.unitSlotPattern(), Instant.now());
    String where = outFile == null ? "stdout" : outFile.toString();
    if (outFile == null) {
      out.print(draft.yaml());
      out.flush();
    } else {
      try {
        Path parent = outFile.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(outFile, draft.yaml(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("discover: cannot write " + outFile + ": " + e.getMessage());
        return FAILED;
      }
    }
    progress.summary(result, draft);
    if (draft.tags() + draft.units() == 0) {
      err.println("discover: nothing to acquire found below " + result.startNode()
          + "; the draft written to " + where + " lists no stations and will not load");
      return FAILED;
    }
    try {
      // The draft must load as it is; if it does not, that is a bug here, and the user should know.
      LineLoader.parse(draft.yaml(), where);
    } catch (ConfigException e) {
      err.println("discover: the draft written to " + where + " does not load:\n" + e.getMessage());
      return FAILED;
    }
    err.println("discover: draft written to " + where + "; review kinds, roles, sampling and spec limits");
    return OK;
  }

  private static int integer(String option, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": not a whole number: \"" + v + "\"");
    }
  }

  private static double number(String option, String v) {
    try {
      double d = Double.parseDouble(v);
      if (!(d > 0) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": not a positive number: \"" + v + "\"");
    }
  }

  private static Pattern pattern(String v) {
    try {
      return Pattern.compile(v, Pattern.CASE_INSENSITIVE);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("--unit-pattern: not a regular expression: " + e.getDescription());
    }
  }
}
