package org.pilotline.acquisition.opcua.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.sim.DemoLines;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.testing.TestLines;

/** A plant-sized address space: 5,000 variables in 10 equipment folders, browsed whole. */
class DiscoveryScaleIT {
  private static final int TAGS = 5_000;

  @Test
  @Timeout(120)
  void fiveThousandVariablesAreAllFoundAndDrafted() throws Exception {
    Line line = TestLines.onPort(DemoLines.syntheticLine(TAGS, 1000), TestLines.freePort());
    SimulatorServer sim = SimulatorServer.create(line, SimulatorOptions.defaults().withSeed(1));
    sim.startAsync().get();
    try {
      String endpoint = line.equipment().findFirst().orElseThrow().endpointUrl();
      DiscoveryResult result = MiloAddressSpaceBrowser.discover(DiscoveryOptions.of(endpoint),
          DiscoveryProgress.silent());
      DraftLineWriter.Draft draft = DraftLineWriter.write(result, DiscoveryOptions.DEFAULT_UNIT_SLOT_PATTERN,
          Instant.now());
      Line loaded = LineLoader.parse(draft.yaml(), "draft.yaml");
      System.out.printf("DiscoveryScaleIT: %d nodes browsed, %d variables, %d tags drafted in %d ms%n",
          result.nodesVisited(), result.variables().size(), draft.tags(), result.elapsed().toMillis());

      assertEquals(tagNodeIds(line), tagNodeIds(loaded));
      assertEquals(java.util.List.of(), result.limitsHit());
    } finally {
      sim.stop();
    }
  }

  private static Set<String> tagNodeIds(Line l) {
    return l.equipment().flatMap(e -> e.tags().stream()).map(Tag::nodeId).collect(Collectors.toSet());
  }
}
