package org.pilotline.hmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.config.ApplicationConfig;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.SimWriteLog;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.acquisition.testing.TestLines;

/**
 * The demo as the README starts it: the shipped config, an embedded PostgreSQL in a fresh data
 * folder (or the test database when one is given), the simulator and the web API, on free ports.
 */
class DemoIT {
  private static final Duration READY_WITHIN = Duration.ofSeconds(20);
  private static final Duration FRESH = Duration.ofSeconds(5);
  private static final long BAD_WAITING_FOR_INITIAL_DATA = 0x80320000L;

  @TempDir static Path dataDir;
  private static final SimWriteLog writes = new SimWriteLog();
  private static final HttpClient http = HttpClient.newHttpClient();
  private static PilotlineNode node;
  private static TestDatabase.Schema schema;
  private static Line line;
  private static Instant startedAt;
  private static Duration startup;

  @BeforeAll
  static void startTheDemo() throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put("pilotline.hmi.port", "0");
    props.put("pilotline.simulator.groundTruthFile", dataDir.resolve("ground-truth.csv").toString());
    props.put("pilotline.spool.dir", dataDir.resolve("spool").toString());
    if (isExternalDatabase()) {
      schema = TestDatabase.createSchema("demo");
      props.put("pilotline.database.url", schema.jdbcUrl());
      props.put("pilotline.database.schema", schema.name());
    } else {
      props.put("pilotline.database.dataDir", dataDir.resolve("postgres").toString());
    }
    ApplicationConfig config = ApplicationConfig.load(
        TestLines.configDir().resolve("application.yaml"), Map.of(), props);
    line = TestLines.demoLineOnFreePort();
    startedAt = Instant.now();
    node = PilotlineNode.start(config, line, writes);
    startup = Duration.between(startedAt, Instant.now());
    System.out.printf("demo started in %d ms: %s%n", startup.toMillis(), node.url());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  private static boolean isExternalDatabase() {
    String url = System.getProperty(TestDatabase.URL_PROPERTY, System.getenv(TestDatabase.URL_ENV));
    return url != null && !url.isBlank();
  }

  @Test
  void latestTagsListEveryConfiguredTagWithFreshValuesWithin20Seconds() throws Exception {
    List<String> faults = new ArrayList<>();
    boolean ready = AcquisitionHarness.waitFor(
        READY_WITHIN.minus(Duration.between(startedAt, Instant.now())), () -> {
          faults.clear();
          faults.addAll(latestFaults());
          return faults.isEmpty();
        });
    System.out.printf("demo ready %d ms after start%n", Duration.between(startedAt, Instant.now()).toMillis());
    assertTrue(ready, "20 s after start: " + faults);
  }

  @Test
  void healthReportsStorageModeWriterAndSubscriptions() throws Exception {
    AcquisitionHarness.waitFor(Duration.ofSeconds(10), () -> committed() > 0);
    JsonObject health = get("/api/health");
    assertEquals("plain", health.getString("storageMode"));
    assertEquals(0L, health.getJsonObject("writer").getLong("dropped"));
    assertTrue(health.getJsonObject("writer").getLong("committed") > 0, health.encode());
    JsonObject spool = health.getJsonObject("spool");
    assertFalse(spool.getBoolean("full"), spool.encode());
    assertTrue(spool.getLong("capBytes") > 0, spool.encode());
    assertTrue(spool.containsKey("oldestPendingAgeMs") && spool.containsKey("fillPercent"), spool.encode());
    JsonObject tags = health.getJsonObject("tags");
    assertEquals(line.tagRefs().count(), tags.getLong("configured"));
    assertEquals(tags.getLong("total"), tags.getLong("ok"), tags.encode());
    assertEquals("UP", health.getString("status"), health.encode());
    JsonObject quarantine = health.getJsonObject("quarantine");
    assertEquals(0L, quarantine.getLong("readings"), quarantine.encode());
    JsonArray equipment = health.getJsonArray("equipment");
    assertEquals(line.equipment().count(), equipment.size());
    for (int i = 0; i < equipment.size(); i++) {
      JsonObject e = equipment.getJsonObject(i);
      assertTrue(e.getBoolean("connected"), e.encode());
      assertEquals(0L, e.getLong("recoveries"), e.encode());
      assertTrue(e.containsKey("gaps") && e.containsKey("lastGap"), e.encode());
    }
  }

  @Test
  void emptyQuarantineIsListed() throws Exception {
    JsonObject q = get("/api/quarantine");
    assertEquals(0L, q.getLong("readings"), q.encode());
    assertEquals(0, q.getJsonArray("recent").size(), q.encode());
  }

  @Test
  void webPageIsServed() throws Exception {
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(node.url())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("/api/tags/latest"), "the page reads the latest values");
  }

  /**
   * What keeps the latest values from being right now: a configured tag missing, a process tag the
   * simulator keeps writing whose stored value is older than 5 s, or an event-only tag or unit slot
   * whose time is not that of its last change.
   */
  private static List<String> latestFaults() {
    List<String> faults = new ArrayList<>();
    JsonArray tags;
    try {
      tags = get("/api/tags/latest").getJsonArray("tags");
    } catch (Exception e) {
      return List.of("api not answering: " + e);
    }
    Map<String, JsonObject> byKey = tags.stream().map(o -> (JsonObject) o)
        .collect(Collectors.toMap(o -> o.getString("key"), o -> o));
    Set<String> configured = line.tagRefs().map(r -> r.key()).collect(Collectors.toSet());
    line.stations().forEach(s -> s.equipment().forEach(e -> e.units().forEach(
        u -> configured.add(s.id() + "/" + e.id() + "/unit/" + u.name()))));
    Instant now = Instant.now();
    for (String key : configured) {
      JsonObject t = byKey.get(key);
      if (t == null) {
        faults.add(key + ": missing");
        continue;
      }
      String nodeId = nodeIdOf(key);
      if (t.getString("sourceTime") == null) {
        faults.add(key + ": no value yet");
        continue;
      }
      Instant source = Instant.parse(t.getString("sourceTime"));
      var change = writes.lastChange(nodeId);
      boolean changingLately = change.map(c -> c.wallTime().isAfter(now.minusSeconds(1))).orElse(false);
      if (changingLately && "process".equals(t.getString("kind"))) {
        if (source.isBefore(now.minus(FRESH))) {
          faults.add(key + ": source time " + Duration.between(source, now).toMillis() + " ms old");
        }
      } else if (change.isPresent()) {
        // Changes only on events: it carries the time of its last change.
        if (source.isBefore(change.get().sourceTime().minusMillis(1))) {
          faults.add(key + ": time " + source + ", last change at " + change.get().sourceTime());
        }
      } else if (!"process".equals(t.getString("kind")) || t.getLong("statusCode") != BAD_WAITING_FOR_INITIAL_DATA) {
        // Never written: the simulator's initial Bad_WaitingForInitialData, with its time.
        faults.add(key + ": never written, yet shows " + t.encode());
      }
    }
    return faults;
  }

  private static String nodeIdOf(String key) {
    return line.tagRefs().filter(r -> r.key().equals(key)).map(r -> r.tag().nodeId()).findFirst()
        .orElseGet(() -> line.stations().stream().flatMap(s -> s.equipment().stream().flatMap(e -> e.units().stream()
                .filter(u -> key.equals(s.id() + "/" + e.id() + "/unit/" + u.name()))))
            .map(u -> u.nodeId()).findFirst().orElseThrow());
  }

  private static long committed() {
    try {
      return get("/api/health").getJsonObject("writer").getLong("committed");
    } catch (Exception e) {
      return -1;
    }
  }

  private static JsonObject get(String path) throws Exception {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create(node.url()).resolve(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertNotNull(body);
    return body;
  }
}
