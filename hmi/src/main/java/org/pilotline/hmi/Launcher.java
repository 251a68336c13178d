package org.pilotline.hmi;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.pilotline.acquisition.config.ApplicationConfig;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.ConfigException;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.opcua.discovery.DiscoverCommand;
import org.pilotline.acquisition.opcua.security.PkiCommand;
import org.pilotline.acquisition.sim.SimulatorMain;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.sim.WriteListener;
import org.pilotline.analytics.feature.FeatureSchema;
import org.pilotline.analytics.feature.FeatureSchemaLoader;
import org.pilotline.analytics.eval.EvaluateCommand;
import org.pilotline.analytics.spcstream.SpcConfigLoader;
import org.pilotline.hmi.auth.UsersCommand;
import org.pilotline.analytics.training.TrainCommand;
import org.pilotline.acquisition.soak.SoakCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@code main}: loads {@code config/}, starts a {@link PilotlineNode} and keeps it running
 * until Ctrl-C.
 *
 * <p>Usage: {@code Launcher [--config DIR]}. The directory holds {@code line.yaml} and
 * {@code application.yaml}, and optionally {@code spc.yaml} (SPC on the readings) and
 * {@code features.yaml} (scoring finished cells; without it scoring is off, logged once); it defaults to the system property {@code pilotline.config.dir}, then
 * {@code ./config}. {@code Launcher sim [options]} runs the simulator alone (see
 * {@code docs/SIMULATOR.md}). {@code Launcher discover opc.tcp://host:port/path [options]} browses
 * an endpoint and writes a draft {@code line.yaml} (see {@code docs/OPERATIONS.md}). {@code Launcher pki
 * list|trust <thumbprint-prefix> [--dir DIR]} shows and trusts server certificates. {@code Launcher
 * users add|passwd|roles|disable|enable|list} manages the users of the HMI and the result server. {@code Launcher
 * train [--window 14d]} trains the anomaly models; {@code Launcher models list|rollback <kind>}
 * lists and rolls back their versions; {@code Launcher evaluate [options]} scores them on a seeded
 * simulated scenario (see {@code docs/ANALYTICS.md}). {@code Launcher soak [options]} runs the
 * reliability soak (see {@code docs/RELIABILITY.md}).
 */
public final class Launcher {
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

  private Launcher() {}

  private static void runSimulator(String[] args) throws Exception {
    SimulatorOptions options;
    Line line;
    try {
      options = SimulatorOptions.parse(args);
      line = LineLoader.load(options.config());
      // Checks the faults' targets against the line before anything is bound.
      SimulatorServer.create(line, options);
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    SimulatorMain.run(line, options);
  }

  private static void runDiscovery(String[] args) {
    // The draft may go to stdout: anything else written there (library logging) goes to stderr.
    PrintStream draftOut = System.out;
    System.setOut(System.err);
    System.exit(DiscoverCommand.run(args, draftOut, System.err));
  }

  /** The feature schema next to line.yaml; without one the node runs without scoring, and says so. */
  private static FeatureSchema features(Path configDir, Line line) {
    Path file = configDir.resolve("features.yaml");
    if (!Files.exists(file)) {
      LOG.warn("scoring off: no feature schema at {}; finished cells are neither scored nor stored"
          + " for training (see docs/ANALYTICS.md)", file.toAbsolutePath().normalize());
      return null;
    }
    return FeatureSchemaLoader.load(file, line);
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("sim")) {
      runSimulator(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("pki")) {
      System.exit(PkiCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("users")) {
      System.exit(UsersCommand.run(Arrays.copyOfRange(args, 1, args.length), System.in, System.out, System.err));
      return;
    }
    if (args.length > 0 && (args[0].equals("train") || args[0].equals("models"))) {
      System.exit(TrainCommand.run(args, System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("evaluate")) {
      System.exit(EvaluateCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("soak")) {
      System.exit(SoakCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("discover")) {
      runDiscovery(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Path configDir = Path.of(System.getProperty("pilotline.config.dir", "config"));
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        configDir = Path.of(args[++i]);
      } else {
        System.err.println("unknown argument: " + args[i] + "\nusage: Launcher [--config DIR] | Launcher sim [simulator options]"
            + " | Launcher discover opc.tcp://host:port/path [--out FILE] [--max-nodes N] [--start NODEID]"
            + " | Launcher pki list [--dir DIR] | Launcher pki trust <thumbprint-prefix> [--dir DIR]"
            + " | Launcher users add|passwd|roles|disable|enable|list ..."
            + " | Launcher train ... | Launcher models list|rollback <kind>"
            + " | Launcher soak [--minutes N] [--rate N] [--outage-every D] [--outage-seconds N] ...");
        System.exit(2);
      }
    }
    PilotlineNode node;
    try {
      ApplicationConfig config = ApplicationConfig.load(configDir.resolve("application.yaml"));
      Line line = LineLoader.load(configDir.resolve("line.yaml"));
      node = PilotlineNode.start(config, line, WriteListener.NONE,
          SpcConfigLoader.loadIfPresent(configDir.resolve("spc.yaml"), line), features(configDir, line));
    } catch (ConfigException e) {
      System.err.println("configuration error:\n" + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      LOG.error("start failed: reason={}", e.toString(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "pilotline-shutdown"));
    System.out.println();
    System.out.println("  pilotline is running: " + node.url());
    System.out.println("  storage mode: " + node.storageMode().name().toLowerCase()
        + ", config: " + configDir.toAbsolutePath().normalize() + ". Press Ctrl-C to stop.");
    node.resultServerUrls().forEach(u -> System.out.println("  result server (OPC UA): " + u));
    System.out.println();
  }

}
