package org.pilotline.acquisition.sim;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.pilotline.acquisition.line.Line;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the simulator alone (the launcher's {@code sim} command): the options of
 * {@link SimulatorOptions#parse(String[])}, e.g. {@code --config config/line.yaml --seed 7
 * --timeScale 50 --fault "pressureLoss start=10m duration=5m"}.
 */
public final class SimulatorMain {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatorMain.class);

  private SimulatorMain() {}

  /**
   * Starts the simulator and blocks until its duration has passed (or forever when it has none,
   * until the JVM is stopped; a shutdown hook stops the servers).
   */
  public static void run(Line line, SimulatorOptions options) throws Exception {
    SimulatorServer server = SimulatorServer.create(line, options);
    Thread hook = new Thread(server::stop, "pilotline-sim-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    server.startAsync().get(60, TimeUnit.SECONDS);
    server.endpointUrls().forEach(url -> LOG.info("simulator endpoint: url={}", url));
    for (FaultSpec f : options.faults()) {
      LOG.info("fault injected: fault=\"{}\"", f.text());
    }
    CompletableFuture<Void> done = server.finished();
    done.join();
    server.stop();
    Runtime.getRuntime().removeShutdownHook(hook);
    LOG.info("simulator finished: cells={}, values={}", server.cellsFinished(), server.valuesWritten());
  }
}
