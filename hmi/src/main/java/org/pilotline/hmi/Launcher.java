package org.pilotline.hmi;

import java.nio.file.Path;
import org.pilotline.acquisition.config.ApplicationConfig;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.ConfigException;
import org.pilotline.acquisition.line.Line;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@code main}: loads {@code config/}, starts a {@link PilotlineNode} and keeps it running
 * until Ctrl-C.
 *
 * <p>Usage: {@code Launcher [--config DIR]}. The directory holds {@code line.yaml} and
 * {@code application.yaml}; it defaults to the system property {@code pilotline.config.dir}, then
 * {@code ./config}.
 */
public final class Launcher {
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

  private Launcher() {}

  public static void main(String[] args) {
    Path configDir = Path.of(System.getProperty("pilotline.config.dir", "config"));
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        configDir = Path.of(args[++i]);
      } else {
        System.err.println("unknown argument: " + args[i] + "\nusage: Launcher [--config DIR]");
        System.exit(2);
      }
    }
    PilotlineNode node;
    try {
      ApplicationConfig config = ApplicationConfig.load(configDir.resolve("application.yaml"));
      Line line = LineLoader.load(configDir.resolve("line.yaml"));
      node = PilotlineNode.start(config, line);
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
    System.out.println();
  }

}
