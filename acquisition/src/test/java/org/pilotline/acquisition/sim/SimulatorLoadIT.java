package org.pilotline.acquisition.sim;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.line.Line;

/** How many node writes a second the simulator sustains; the figure goes to docs/PERFORMANCE.md. */
class SimulatorLoadIT {
  @Test
  @Timeout(60)
  void sustainsTensOfThousandsOfNodeWritesPerSecond() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // 5,000 tags sampled every 100 ms at real time: 50,000 writes a second asked for.
    int tags = Integer.getInteger("pilotline.sim.loadTags", 5_000);
    Line line = DemoLines.onPort(DemoLines.syntheticLine(tags, 100), port);
    SimulatorServer sim = SimulatorServer.create(line, SimulatorOptions.defaults().withDuration(java.time.Duration.ofSeconds(5)));
    try {
      long t0 = System.nanoTime();
      sim.startAsync().get(20, SECONDS);
      System.out.printf("SimulatorLoadIT: %d tags started in %d ms%n", tags, (System.nanoTime() - t0) / 1_000_000);
      long n0 = System.nanoTime();
      sim.finished().get(30, SECONDS);
      double seconds = (System.nanoTime() - n0) / 1e9;
      double rate = sim.valuesWritten() / seconds;
      System.out.printf("SimulatorLoadIT: %.0f node writes/s over %.1f s%n", rate, seconds);
      assertTrue(rate > 20_000, "rate " + rate);
    } finally {
      sim.stop();
    }
  }
}
