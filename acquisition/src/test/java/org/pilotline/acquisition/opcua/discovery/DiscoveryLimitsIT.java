package org.pilotline.acquisition.opcua.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.testing.TestLines;

/** Limits, start nodes and failures: each is reported, none is a crash. */
@Timeout(60)
class DiscoveryLimitsIT {
  private static Line line;
  private static SimulatorServer sim;
  private static String endpoint;

  @BeforeAll
  static void start() throws Exception {
    line = TestLines.demoLineOnFreePort();
    sim = SimulatorServer.create(line, SimulatorOptions.defaults().withSeed(3));
    sim.startAsync().get();
    endpoint = line.equipment().findFirst().orElseThrow().endpointUrl();
  }

  @AfterAll
  static void stop() {
    if (sim != null) {
      sim.stop();
    }
  }

  private record Run(int code, String stderr, String yaml) {}

  private static Run discover(Path dir, String... options) throws Exception {
    Path out = dir.resolve("draft.yaml");
    String[] args = new String[options.length + 3];
    args[0] = endpoint;
    args[1] = "--out";
    args[2] = out.toString();
    System.arraycopy(options, 0, args, 3, options.length);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = DiscoverCommand.run(args, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String stderr = err.toString(StandardCharsets.UTF_8);
    System.out.println(stderr);
    return new Run(code, stderr, Files.exists(out) ? Files.readString(out) : null);
  }

  // 10 station folders + 10 equipment folders + 5 variables: the dry room's 4 and one of the mixer's.
  @Test
  void nodeLimitIsReportedAndTheDraftStillLoads(@TempDir Path dir) throws Exception {
    Run run = discover(dir, "--max-nodes", "25");

    assertEquals(DiscoverCommand.OK, run.code, run.stderr);
    assertTrue(run.stderr.contains("discover: LIMIT: node limit 25 reached"), run.stderr);
    assertTrue(run.stderr.contains("25 nodes browsed"), run.stderr);
    assertTrue(run.yaml.contains("# LIMIT HIT:  node limit 25 reached"), run.yaml);
    Line draft = LineLoader.parse(run.yaml, "draft.yaml");
    Map<String, String> found = draft.equipment().flatMap(e -> e.tags().stream())
        .collect(Collectors.toMap(Tag::nodeId, Tag::unit));
    Map<String, String> all = line.equipment().flatMap(e -> e.tags().stream())
        .collect(Collectors.toMap(Tag::nodeId, Tag::unit));
    assertTrue(!found.isEmpty() && found.size() < all.size(), found.toString());
    // Variables found before the limit are still browsed for their EngineeringUnits.
    found.forEach((nodeId, unit) -> assertEquals(all.get(nodeId), unit, nodeId));
  }

  // A server that pages its Browse answers (here asked to, two references at a time) loses nothing:
  // the rest comes through BrowseNext.
  @Test
  void continuationPointsAreFollowedWithBrowseNext() {
    DiscoveryOptions whole = DiscoveryOptions.of(endpoint);
    DiscoveryResult unpaged = MiloAddressSpaceBrowser.discover(whole, DiscoveryProgress.silent());
    DiscoveryResult paged = MiloAddressSpaceBrowser.discover(whole.withMaxReferencesPerNode(2),
        DiscoveryProgress.silent());

    assertEquals(0, unpaged.browseNextCalls());
    assertTrue(paged.browseNextCalls() > 10, "BrowseNext calls: " + paged.browseNextCalls());
    assertEquals(line.tagRefs().count() + line.equipment().mapToLong(e -> e.units().size()).sum(),
        unpaged.variables().size());
    assertEquals(unpaged.variables(), paged.variables());
    assertEquals(List.of(), paged.warnings());
  }

  @Test
  void depthLimitWithNothingFoundIsAFailureThatSaysSo(@TempDir Path dir) throws Exception {
    Run run = discover(dir, "--max-depth", "2");

    assertEquals(DiscoverCommand.FAILED, run.code, run.stderr);
    assertTrue(run.stderr.contains("LIMIT: depth limit 2 reached"), run.stderr);
    assertTrue(run.stderr.contains("nothing to acquire found"), run.stderr);
    assertTrue(run.yaml.contains("stations: []"), run.yaml);
  }

  // A start node one level down: its folders (the equipment) become stations and equipment both.
  @Test
  void startNodeLimitsTheDraftToItsSubtree(@TempDir Path dir) throws Exception {
    Run run = discover(dir, "--start", "nsu=" + SimulatorServer.NAMESPACE_URI + ";s=coating");

    assertEquals(DiscoverCommand.OK, run.code, run.stderr);
    Line draft = LineLoader.parse(run.yaml, "draft.yaml");
    Set<String> coater = line.equipment().filter(e -> e.id().equals("coater"))
        .flatMap(e -> e.tags().stream()).map(Tag::nodeId).collect(Collectors.toSet());
    assertEquals(coater, draft.equipment().flatMap(e -> e.tags().stream()).map(Tag::nodeId)
        .collect(Collectors.toSet()));
    assertEquals("coater", draft.stations().get(0).id());
  }

  @Test
  void unknownStartNodeIsNamedInTheError(@TempDir Path dir) throws Exception {
    Run run = discover(dir, "--start", "nsu=urn:nobody;s=x");

    assertEquals(DiscoverCommand.FAILED, run.code, run.stderr);
    assertTrue(run.stderr.contains("start node \"nsu=urn:nobody;s=x\""), run.stderr);
    assertTrue(run.stderr.contains(endpoint), run.stderr);
  }

  @Test
  void unreachableEndpointFailsWithinTheTimeoutAndNamesIt() {
    String nowhere = "opc.tcp://127.0.0.1:" + TestLines.freePort() + "/nothing";
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int code = DiscoverCommand.run(new String[] {nowhere, "--timeout", "3"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    String stderr = err.toString(StandardCharsets.UTF_8);

    assertEquals(DiscoverCommand.FAILED, code, stderr);
    assertTrue(stderr.contains("discover: failed: endpoint " + nowhere), stderr);
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
  }

  @Test
  void badArgumentsPrintUsage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = DiscoverCommand.run(new String[] {endpoint, "--max-nodes", "many"},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(DiscoverCommand.USAGE, code);
    assertTrue(stderr.contains("--max-nodes: not a whole number: \"many\""), stderr);
    assertFalse(stderr.contains("discover: connecting"), stderr);
  }
}
