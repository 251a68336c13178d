package org.pilotline.acquisition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.TagRef;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.SimWriteLog;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.acquisition.testing.TestLines;

/**
 * The whole acquisition path with real parts: the simulator's Milo server, one Milo client per
 * equipment, the binary-COPY writer and PostgreSQL.
 */
class AcquisitionEndToEndIT {
  private static final long BAD_SENSOR_FAILURE = 0x808C0000L;
  private static final String GHOST_TAG = "ghost";

  private static TestDatabase.Schema schema;
  private static SimulatorServer sim;
  private static AcquisitionHarness acquisition;
  private static final SimWriteLog writes = new SimWriteLog();
  private static Line line;
  private static Instant startedAt;

  @BeforeAll
  static void start() throws Exception {
    startedAt = Instant.now();
    schema = TestDatabase.createMigratedSchema("e2e");
    line = TestLines.demoLineOnFreePort();
    sim = SimulatorServer.create(line, SimulatorOptions.defaults().withSeed(11).withTaktSeconds(6), writes);
    sim.startAsync().get();
    // Acquisition is configured with one tag more than the server has: it must fail alone.
    Equipment coater = line.equipment().filter(e -> e.id().equals("coater")).findFirst().orElseThrow();
    List<Tag> tags = new ArrayList<>(coater.tags());
    tags.add(new Tag(GHOST_TAG, "nsu=urn:pilotline:sim;s=coating/coater/doesNotExist", "m", 100, 5, 0,
        SpecLimits.NONE, null));
    acquisition = AcquisitionHarness.start(schema.dataSource(), line.withEquipment(coater.withTags(tags)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (acquisition != null) {
      acquisition.close();
    }
    if (sim != null) {
      sim.stop();
    }
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void everyConfiguredTagHasRowsWithin15SecondsOfStart() throws Exception {
    Set<Integer> expected = line.tagRefs().map(r -> acquisition.tagIds().get(r.key())).collect(Collectors.toSet());
    Duration left = Duration.ofSeconds(15).minus(Duration.between(startedAt, Instant.now()));
    AcquisitionHarness.waitFor(left, () -> storedTagIds().containsAll(expected));
    Set<Integer> missing = new HashSet<>(expected);
    missing.removeAll(storedTagIds());
    assertEquals(Set.of(), missing, "tags without rows 15 s after start: " + keysOf(missing));
  }

  @Test
  void storedReadingsAreValuesTheSimulatorReallyWroteAtThatTime() throws Exception {
    assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(30), () -> count("select count(*) from reading") >= 3_000));
    Map<Integer, String> nodeIdByTagId = line.tagRefs().collect(
        Collectors.toMap(r -> acquisition.tagIds().get(r.key()), r -> r.tag().nodeId()));
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select tag_id, ts, value, quality from reading where quality = 0 order by random() limit 1500");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String nodeId = nodeIdByTagId.get(rs.getInt(1));
        if (nodeId == null) {
          continue;
        }
        Instant ts = rs.getObject(2, OffsetDateTime.class).toInstant();
        double stored = rs.getDouble(3);
        checked++;
        var written = writes.valueAt(nodeId, ts);
        if (written.isEmpty() || Double.compare(written.get(), stored) != 0) {
          mismatches.add(nodeId + " @ " + ts + ": stored " + stored + ", simulator wrote " + written.orElse(null));
        }
      }
    }
    assertTrue(checked >= 1_000, "sample too small: " + checked);
    assertEquals(List.of(), mismatches.stream().limit(20).toList(), mismatches.size() + " of " + checked + " differ");
  }

  @Test
  void badStatusInjectedOnOneNodeIsStoredWithItsStatusCode() throws Exception {
    TagRef webSpeed = line.tagRefs().filter(r -> r.key().equals("coating/coater/webSpeed")).findFirst().orElseThrow();
    int tagId = acquisition.tagIds().get(webSpeed.key());
    sim.injectStatus(webSpeed.tag().nodeId(), BAD_SENSOR_FAILURE);
    try {
      boolean stored = AcquisitionHarness.waitFor(Duration.ofSeconds(10), () -> count(
          "select count(*) from reading where tag_id = " + tagId + " and quality = " + BAD_SENSOR_FAILURE) > 0);
      assertTrue(stored, "no reading of " + webSpeed.key() + " with StatusCode 0x808C0000 was stored");
    } finally {
      sim.clearStatus(webSpeed.tag().nodeId());
    }
  }

  @Test
  void unknownNodeIdFailsOnlyThatTag() throws Exception {
    String ghostKey = "coating/coater/" + GHOST_TAG;
    assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(15),
        () -> acquisition.tagStatuses().size() == line.tagRefs().count() + 1));
    Map<String, TagStatus> statuses = acquisition.tagStatuses();
    assertFalse(statuses.get(ghostKey).ok());
    assertTrue(statuses.get(ghostKey).detail().startsWith("BadNodeIdUnknown"), statuses.get(ghostKey).detail());
    List<String> otherFailures = statuses.values().stream()
        .filter(s -> !s.ok() && !s.key().equals(ghostKey)).map(TagStatus::key).toList();
    assertEquals(List.of(), otherFailures);
    // The ghost's equipment keeps delivering.
    int webSpeedId = acquisition.tagIds().get("coating/coater/webSpeed");
    assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(10),
        () -> count("select count(*) from reading where tag_id = " + webSpeedId) > 0));
    assertEquals(0, count("select count(*) from reading where tag_id = " + acquisition.tagIds().get(ghostKey)));
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

  private static String keysOf(Set<Integer> ids) {
    return acquisition.tagIds().entrySet().stream().filter(e -> ids.contains(e.getValue()))
        .map(Map.Entry::getKey).sorted().toList().toString();
  }

  private static long count(String sql) {
    try (Connection c = schema.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
