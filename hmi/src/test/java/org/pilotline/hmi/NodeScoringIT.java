package org.pilotline.hmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.config.ApplicationConfig;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.sim.WriteListener;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.acquisition.testing.TestLines;
import org.pilotline.analytics.feature.FeatureSchemaLoader;

/**
 * The scoring road end to end in the real node: the shipped line and features.yaml, the simulator
 * with a pressure loss that starts after the first cells, and auto-training after a few cells.
 * Without any command, the node trains, backfills the cells before the model, scores the cells
 * after it, and the pressure-loss cells come out NOK and in {@code /api/anomalies}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NodeScoringIT {
  private static final int AUTO_TRAIN_AFTER = Integer.getInteger("it.autoTrainAfterCells", 100);
  private static final Duration WITHIN = Duration.ofSeconds(180);

  @TempDir static Path dataDir;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static TestDatabase.Schema schema;
  private static PilotlineNode node;
  private static Instant startedAt;

  @BeforeAll
  static void start() throws Exception {
    schema = TestDatabase.createSchema("node_scoring");
    Map<String, String> props = new HashMap<>();
    props.put("pilotline.hmi.port", "0");
    props.put("pilotline.database.url", schema.jdbcUrl());
    props.put("pilotline.database.schema", schema.name());
    props.put("pilotline.spool.dir", dataDir.resolve("spool").toString());
    props.put("pilotline.simulator.groundTruthFile", dataDir.resolve("ground-truth.csv").toString());
    props.put("pilotline.simulator.timeScale", System.getProperty("it.timeScale", "20"));
    props.put("pilotline.simulator.faults",
        System.getProperty("it.fault", "pressureLoss start=20m duration=5m magnitude=0.3"));
    props.put("pilotline.analytics.autoTrainAfterCells", String.valueOf(AUTO_TRAIN_AFTER));
    ApplicationConfig config = ApplicationConfig.load(
        TestLines.configDir().resolve("application.yaml"), Map.of(), props);
    Line line = TestLines.demoLineOnFreePort();
    startedAt = Instant.now();
    node = PilotlineNode.start(config, line, WriteListener.NONE, null,
        FeatureSchemaLoader.load(TestLines.configDir().resolve("features.yaml"), line));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (schema != null) {
      TestDatabase.dropSchema(schema);
    }
  }

  @Test
  void autoTrainingScoresEveryFinishedCellAndFlagsThePressureLossCells() throws Exception {
    Map<String, String> truth = new LinkedHashMap<>();
    Map<String, Boolean> verdicts = new LinkedHashMap<>();
    Instant[] trainedAt = {null};
    boolean seen = AcquisitionHarness.waitFor(WITHIN, () -> {
      readGroundTruth(truth);
      verdicts.clear();
      verdicts.putAll(verdicts());
      if (trainedAt[0] == null && !verdicts.isEmpty()) {
        trainedAt[0] = Instant.now();
      }
      // a faulty cell with a verdict, and some good ones after training to compare with
      return truth.entrySet().stream().filter(e -> e.getValue().equals("faulty")
          && verdicts.containsKey(e.getKey())).count() >= 5;
    });
    JsonObject health = get("/api/health").getJsonObject("analytics");
    JsonArray open = new JsonArray(getText("/api/anomalies?state=open&limit=1000"));
    long faulty = truth.values().stream().filter("faulty"::equals).count();
    long faultyScored = truth.entrySet().stream().filter(e -> e.getValue().equals("faulty")
        && verdicts.containsKey(e.getKey())).count();
    long faultyNok = truth.entrySet().stream().filter(e -> e.getValue().equals("faulty")
        && Boolean.FALSE.equals(verdicts.get(e.getKey()))).count();
    long goodScored = truth.entrySet().stream().filter(e -> e.getValue().equals("good")
        && verdicts.containsKey(e.getKey())).count();
    List<String> backfilledCells = verdicts.keySet().stream().limit(AUTO_TRAIN_AFTER).toList();
    long goodAfter = truth.entrySet().stream().filter(e -> e.getValue().equals("good")
        && verdicts.containsKey(e.getKey()) && !backfilledCells.contains(e.getKey())).count();
    long goodAfterNok = truth.entrySet().stream().filter(e -> e.getValue().equals("good")
        && Boolean.FALSE.equals(verdicts.get(e.getKey())) && !backfilledCells.contains(e.getKey())).count();
    System.out.printf("node scoring: good cells scored after the first %d: %d, NOK %d%n",
        AUTO_TRAIN_AFTER, goodAfter, goodAfterNok);
    long goodNok = truth.entrySet().stream().filter(e -> e.getValue().equals("good")
        && Boolean.FALSE.equals(verdicts.get(e.getKey()))).count();
    System.out.printf("node scoring: finished cells=%d (faulty %d), verdicts=%d, first verdict %d s"
            + " after start, faulty scored=%d NOK=%d, good scored=%d NOK=%d, open anomalies=%d,"
            + " %d s in all%n  health.analytics=%s%n", truth.size(), faulty, verdicts.size(),
        trainedAt[0] == null ? -1 : Duration.between(startedAt, trainedAt[0]).toSeconds(),
        faultyScored, faultyNok, goodScored, goodNok, open.size(),
        Duration.between(startedAt, Instant.now()).toSeconds(), health.encode());
    assertTrue(seen, "no faulty cell scored within " + WITHIN + ": " + truth.size()
        + " finished, " + verdicts.size() + " verdicts, health " + health.encode());

    JsonObject models = health.getJsonObject("activeModels");
    assertEquals(1, models.getInteger("PCA"), health.encode());
    assertEquals(1, models.getInteger("ISOLATION_FOREST"), health.encode());
    assertTrue(health.getLong("cellsBackfilled") >= AUTO_TRAIN_AFTER, health.encode());
    // every cell with stored features before the model was scored afterwards: none left behind
    assertTrue(unscoredBefore(trainedAt[0]).isEmpty(), "unscored: " + unscoredBefore(trainedAt[0]));

    assertTrue(faultyNok > 0, "no pressure-loss cell NOK of " + faultyScored + " scored");
    String nokFaulty = truth.entrySet().stream().filter(e -> e.getValue().equals("faulty")
        && Boolean.FALSE.equals(verdicts.get(e.getKey()))).map(Map.Entry::getKey).findFirst().orElseThrow();
    JsonObject anomaly = open.stream().map(o -> (JsonObject) o)
        .filter(a -> a.getString("subjectId").equals(nokFaulty)).findFirst().orElseThrow(
            () -> new AssertionError("NOK cell " + nokFaulty + " not in /api/anomalies: " + open.encode()));
    assertEquals("open", anomaly.getString("state"));
    assertFalse(anomaly.getJsonArray("contributions").isEmpty(), anomaly.encode());
    JsonObject byId = get("/api/anomalies/" + anomaly.getLong("id"));
    assertEquals(nokFaulty, byId.getString("subjectId"));
    assertEquals(404, status("/api/anomalies/999999999"));
    assertEquals(400, status("/api/anomalies?state=acknowledged"));
    assertEquals(400, status("/api/anomalies?limit=0"));
    System.out.printf("pressure-loss cell %s: %s, top contributions %s%n", nokFaulty,
        anomaly.getString("modelKind"), anomaly.getJsonArray("contributions").stream().limit(3).toList());
  }

  /** cell_id,label,... rows of the simulator's ground truth, one per finished cell. */
  private static void readGroundTruth(Map<String, String> into) {
    Path file = dataDir.resolve("ground-truth.csv");
    try {
      if (!Files.exists(file)) {
        return;
      }
      for (String row : Files.readAllLines(file)) {
        String[] f = row.split(",", -1);
        if (f.length > 1 && !f[0].equals("cell_id")) {
          into.put(f[0], f[1]);
        }
      }
    } catch (java.io.IOException e) {
      // read again at the next poll; the writer may be mid-line
    }
  }

  private static Map<String, Boolean> verdicts() {
    Map<String, Boolean> out = new LinkedHashMap<>();
    try (Connection c = schema.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select cell_id, ok from cell_verdict order by completed_at")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getBoolean(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static List<String> unscoredBefore(Instant t) throws SQLException {
    try (Connection c = schema.dataSource().getConnection(); var ps = c.prepareStatement("""
        select f.cell_id from cell_feature f where f.built_at < ?
           and not exists (select 1 from cell_verdict v where v.cell_id = f.cell_id)""")) {
      ps.setObject(1, java.time.OffsetDateTime.ofInstant(t, java.time.ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        List<String> out = new java.util.ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    }
  }

  private static int status(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.url()).resolve(path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static JsonObject get(String path) throws Exception {
    return new JsonObject(getText(path));
  }

  private static String getText(String path) throws Exception {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create(node.url()).resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return r.body();
  }
}
