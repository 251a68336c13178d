package org.pilotline.acquisition.opcua.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.store.SchemaMigrator;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.acquisition.testing.TestLines;

/**
 * Discovery against the simulator serving the demo line: the draft it writes loads, names the
 * same tags (by NodeId) with the same units and a unit slot for every unit node, and acquisition
 * configured from the draft alone stores readings for every tag.
 *
 * <p>One endpoint is browsed, not one per equipment: all paths of a port share one address space
 * (the simulator's, and any server's that lists several endpoints), so browsing each path would
 * find every node ten times. Every draft equipment uses that one endpoint URL.
 */
class DiscoveryRoundTripIT {
  private static Line line;
  private static SimulatorServer sim;
  private static TestDatabase.Schema schema;

  @BeforeAll
  static void start() throws Exception {
    line = TestLines.demoLineOnFreePort();
    sim = SimulatorServer.create(line, SimulatorOptions.defaults().withSeed(5).withTaktSeconds(6));
    sim.startAsync().get();
  }

  @AfterAll
  static void stop() {
    if (sim != null) {
      sim.stop();
    }
    if (schema != null) {
      schema.close();
    }
  }

  // Any stored row proves the NodeId subscribed: an unknown NodeId stores none (see AcquisitionEndToEndIT). Rows
  // may be Bad_WaitingForInitialData: end-of-line values stay so until the first cell gets there.
  @Test
  void draftFromTheSimulatorAcquiresTheSameTags(@TempDir Path dir) throws Exception {
    String endpoint = line.equipment().findFirst().orElseThrow().endpointUrl();
    Path out = dir.resolve("draft.yaml");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int code = DiscoverCommand.run(new String[] {endpoint, "--out", out.toString()},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    String stderr = err.toString(StandardCharsets.UTF_8);
    System.out.println(stderr + "discovery wall time: " + ms + " ms");
    assertEquals(DiscoverCommand.OK, code, stderr);

    Line draft = LineLoader.parse(Files.readString(out), out.toString());

    // Tags: same NodeIds, same units.
    assertEquals(nodeIdToUnit(line), nodeIdToUnit(draft));
    // Unit slots: one for every unit node, and nothing else.
    assertEquals(unitNodeIds(line), unitNodeIds(draft));
    assertTrue(stderr.contains("nodes browsed"), stderr);
    assertFalse(stderr.contains("LIMIT"), stderr);

    schema = TestDatabase.createSchema("discovery");
    SchemaMigrator.migrate(schema.dataSource(), schema.name());
    try (AcquisitionHarness acquisition = AcquisitionHarness.start(schema.dataSource(), draft)) {
      assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(10),
          () -> acquisition.tagStatuses().size() == line.tagRefs().count()), acquisition.tagStatuses().toString());
      assertEquals(List.of(), acquisition.tagStatuses().values().stream().filter(st -> !st.ok()).toList());
      Set<Integer> expected = new HashSet<>(acquisition.tagIds().values());
      assertEquals(line.tagRefs().count(), expected.size());
      boolean all = AcquisitionHarness.waitFor(Duration.ofSeconds(30), () -> storedTagIds().containsAll(expected));
      Set<Integer> missing = new TreeSet<>(expected);
      missing.removeAll(storedTagIds());
      assertTrue(all, "tags without readings: " + acquisition.tagIds().entrySet().stream()
          .filter(e -> missing.contains(e.getValue())).map(Map.Entry::getKey).toList());
    }
  }

  private static Map<String, String> nodeIdToUnit(Line l) {
    return l.equipment().flatMap(e -> e.tags().stream())
        .collect(Collectors.toMap(Tag::nodeId, Tag::unit, (a, b) -> a, TreeMap::new));
  }

  private static Set<String> unitNodeIds(Line l) {
    return l.equipment().map(Equipment::units).flatMap(u -> u.stream()).map(UnitNode::nodeId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Integer> storedTagIds() {
    Set<Integer> ids = new HashSet<>();
    try (Connection c = schema.dataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery("select distinct tag_id from reading")) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }
}
