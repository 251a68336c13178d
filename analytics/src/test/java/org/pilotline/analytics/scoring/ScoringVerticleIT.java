package org.pilotline.analytics.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.analytics.Addresses;
import org.pilotline.analytics.anomaly.JdbcAnomalyLedger;
import org.pilotline.analytics.feature.CellFeatureSource;
import org.pilotline.analytics.feature.FeatureVector;
import org.pilotline.analytics.feature.JdbcFeatureStore;
import org.pilotline.analytics.model.ModelKind;
import org.pilotline.analytics.registry.JdbcModelRegistry;
import org.pilotline.analytics.testing.SyntheticFeatures;
import org.pilotline.analytics.training.JdbcTrainingExclusions;
import org.pilotline.analytics.training.ModelTrainer;
import org.pilotline.analytics.training.TrainingReport;
import org.pilotline.analytics.training.TrainingSettings;

/**
 * The scoring path end to end on a real database: cell completion on the bus, feature vector,
 * active models from the registry, anomaly and verdict rows, and the bus messages.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScoringVerticleIT {
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  private static final int D = 6;
  private static final int SHIFTED = 4;
  private static TestDatabase.Schema schema;
  private static Vertx vertx;
  private static SyntheticFeatures cells;
  private static final Map<String, FeatureVector> built = new ConcurrentHashMap<>();
  private static final List<JsonObject> anomalies = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> verdicts = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> progress = new CopyOnWriteArrayList<>();
  private static ScoringVerticle verticle;
  private static JdbcFeatureStore store;
  private static ModelTrainer trainer;

  /** In-test source: the vectors this test built, by cell id. */
  private static final CellFeatureSource SOURCE = new CellFeatureSource() {
    @Override
    public int schemaVersion() {
      return SyntheticFeatures.SCHEMA;
    }

    @Override
    public List<String> featureNames() {
      return cells.names();
    }

    @Override
    public Optional<FeatureVector> build(String cellId) {
      return Optional.ofNullable(built.get(cellId));
    }
  };

  @BeforeAll
  static void start() throws Exception {
    schema = TestDatabase.createMigratedSchema("scoring");
    cells = new SyntheticFeatures(D, 33, T0);
    store = new JdbcFeatureStore(schema.dataSource(), Clock.systemUTC());
    for (int i = 0; i < 400; i++) {
      store.save(cells.cell(i, cells.inControl()));
    }
    JdbcModelRegistry registry = new JdbcModelRegistry(schema.dataSource());
    trainer = new ModelTrainer(store, new JdbcTrainingExclusions(schema.dataSource()), registry,
        new TrainingSettings(0.01, 100, 0.2, 100, 8, 256, -1, 42, 0, 0.9), Clock.systemUTC());
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(Addresses.ANOMALIES, m -> anomalies.add(m.body()));
    vertx.eventBus().<JsonObject>consumer(Addresses.VERDICTS, m -> verdicts.add(m.body()));
    vertx.eventBus().<JsonObject>consumer(Addresses.TRAINING_PROGRESS, m -> progress.add(m.body()));
    verticle = new ScoringVerticle(SOURCE, store, registry,
        new JdbcAnomalyLedger(schema.dataSource()), ModelKind.PCA, Clock.systemUTC());
    vertx.deployVerticle(verticle).await();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    TestDatabase.dropSchema(schema);
  }

  private static void complete(String cellId, double[] values, int index) {
    built.put(cellId, new FeatureVector(cellId, SyntheticFeatures.SCHEMA,
        T0.plusSeconds(86_400 + index), cells.names(), values));
    vertx.eventBus().publish(org.pilotline.acquisition.Addresses.CELL_COMPLETED,
        new JsonObject().put("cellId", cellId).put("completedAt", T0.toString()));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling interval of a bounded wait
    }
  }

  private static long count(String sql, String cellId) throws Exception {
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, cellId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  // One flow, in order: before any model, training over the bus, outlier, inlier, replay.
  @Test
  void outlierRaisesAnomaliesWithTheShiftedFeatureFirstAndInlierIsOk() throws Exception {
    String shifted = cells.names().get(SHIFTED);

    // no model yet: the vector is stored (for the first training), nothing else
    complete("early", cells.inControl(), 0);
    await("the early cell handled", () -> verticle.cellsScored() == 1);
    assertEquals(1, count("select count(*) from cell_feature where cell_id = ?", "early"));
    assertEquals(0, count("select count(*) from cell_verdict where cell_id = ?", "early"));
    assertTrue(verdicts.isEmpty());

    TrainingReport report = trainer.trainAsync(vertx, SyntheticFeatures.SCHEMA, T0,
        T0.plusSeconds(86_400), true).await();
    assertEquals(400, report.trainingCells());
    await("the last progress message", () -> !progress.isEmpty()
        && progress.get(progress.size() - 1).getInteger("percent") == 100);
    for (int k = 1; k < progress.size(); k++) {
      assertTrue(progress.get(k).getInteger("percent") >= progress.get(k - 1).getInteger("percent"));
    }

    complete("outlier", cells.typicalWithShift(SHIFTED, 6), 1);
    await("the outlier's verdict", () -> verdicts.size() == 1);
    JsonObject verdict = verdicts.get(0);
    assertEquals("outlier", verdict.getString("cellId"));
    assertFalse(verdict.getBoolean("ok"));
    assertEquals(shifted, verdict.getString("topCause"));
    // only the verdict model (PCA here) raises an anomaly, with the shifted feature first
    assertEquals(1, anomalies.size(), anomalies.toString());
    assertEquals("PCA", anomalies.get(0).getString("modelKind"));
    assertEquals(1, count("select count(*) from anomaly where subject_id = ? and state = 'open'"
        + " and contributions->0->>'feature' = '" + shifted + "'", "outlier"));
    for (JsonObject a : anomalies) {
      assertEquals(shifted, a.getJsonArray("contributions").getJsonObject(0).getString("feature"),
          a.getString("modelKind"));
      assertEquals(1, a.getInteger("modelVersion"));
    }
    assertEquals(1, count("select count(*) from cell_verdict where cell_id = ? and not ok"
        + " and anomaly_id is not null", "outlier"));

    double[] inlier = cells.typicalWithShift(0, 0);
    inlier[1] = Double.NaN; // missing: imputed and reported
    complete("inlier", inlier, 2);
    await("the inlier's verdict", () -> verdicts.size() == 2);
    assertTrue(verdicts.get(1).getBoolean("ok"));
    assertEquals(List.of(cells.names().get(1)),
        verdicts.get(1).getJsonArray("imputedFeatures").getList());
    assertEquals(0, count("select count(*) from anomaly where subject_id = ?", "inlier"));
    assertEquals(1, count("select count(*) from cell_verdict where cell_id = ? and ok", "inlier"));

    // a replayed completion: same rows, no second anomaly message
    complete("outlier", cells.typicalWithShift(SHIFTED, 6), 1);
    await("the replayed verdict", () -> verdicts.size() == 3);
    assertEquals(1, anomalies.size());
    assertEquals(1, count("select count(*) from anomaly where subject_id = ?", "outlier"));
    assertEquals(0, verticle.cellsFailed());
  }
}
