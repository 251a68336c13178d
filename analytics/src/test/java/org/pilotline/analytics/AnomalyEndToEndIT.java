package org.pilotline.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.sim.FaultSpec;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.acquisition.testing.TestLines;
import org.pilotline.analytics.anomaly.Anomaly;
import org.pilotline.analytics.anomaly.AnomalyJson;
import org.pilotline.analytics.anomaly.JdbcAnomalyLedger;
import org.pilotline.analytics.feature.FeatureSchema;
import org.pilotline.analytics.feature.FeatureSchema.Pressure;
import org.pilotline.analytics.feature.FeatureSchemaLoader;
import org.pilotline.analytics.feature.FeatureVector;
import org.pilotline.analytics.feature.JdbcCellFeatureSource;
import org.pilotline.analytics.feature.JdbcFeatureStore;
import org.pilotline.analytics.model.Contribution;
import org.pilotline.analytics.model.ModelKind;
import org.pilotline.analytics.registry.JdbcModelRegistry;
import org.pilotline.analytics.registry.ModelVersion;
import org.pilotline.analytics.scoring.ScoringVerticle;
import org.pilotline.analytics.training.JdbcTrainingExclusions;
import org.pilotline.analytics.training.ModelTrainer;
import org.pilotline.analytics.training.TrainingReport;
import org.pilotline.analytics.training.TrainingSettings;

/**
 * The whole road, as the node runs it: the simulator (a real Milo server) → OPC UA clients →
 * reading writer and process windows in PostgreSQL → {@code CELL_COMPLETED} → feature vector →
 * the scoring verticle with a model trained on this very line's first cells. One cell is pressed
 * under an isostatic pressure loss; it must get an anomaly with a press-pressure feature among
 * its top two contributions, and a good cell scored by the same model must get none.
 *
 * <p>Both models are trained (through {@link ModelTrainer}, as {@code Launcher train} does), but
 * only the Isolation Forest is activated. PCA's limits are calibrated in-sample, and on a few
 * hundred training cells of about 45 features they flag far more than their 1 % of new good cells
 * (a first version of this test, 90 training cells and both models active, saw 20 anomalies on the
 * 23 cells scored after training; {@code evaluate} measures 34-63 %, see docs/ANALYTICS.md,
 * Evaluation). The forest trains on 200 cells, the production minimum: on 90 it too flagged about
 * one good cell in five. A 40 s takt at 40x keeps a cell a second, while the training cells span
 * over two hours of process time, many times the simulated process's slowest wander (an
 * Ornstein-Uhlenbeck time of 5 minutes), so that they show the process's normal range.
 */
@Timeout(value = 9, unit = TimeUnit.MINUTES)
class AnomalyEndToEndIT {
  private static final double TAKT_S = 40;
  private static final int CELLS_PER_ROLL = 2;
  /** The first training cell: well after the cells already on the line when acquisition subscribed. */
  private static final int FIRST_TRAINING_CELL = 20;
  /** Cells before it train the models: 200, the production minimum ({@code analytics.minTrainingCells}). */
  private static final int TRAINING_END = 220;
  private static final int FAULTY_CELL = 240;
  private static final int GOOD_CELL = 243;

  private static TestDatabase.Schema schema;
  private static SimulatorServer sim;
  private static AcquisitionHarness acquisition;
  private static ScoringVerticle scoring;
  private static JdbcCellFeatureSource source;
  private static final List<JsonObject> anomalies = new CopyOnWriteArrayList<>();
  private static final ConcurrentHashMap<String, JsonObject> verdicts = new ConcurrentHashMap<>();
  private static TrainingReport training;
  private static long finishedWhenTrained;

  @BeforeAll
  static void runTheLineTrainAndScore() throws Exception {
    schema = TestDatabase.createMigratedSchema("anomalye2e");
    Line line = fastSampling(TestLines.demoLineOnFreePort());
    FeatureSchema features = FeatureSchemaLoader.load(TestLines.configDir().resolve("features.yaml"), line);
    // Cell n is pressed during takt n: a loss from the middle of takt n - 1 for one takt hits it alone.
    String fault = String.format(Locale.ROOT, "pressureLoss start=%.1fs duration=%.1fs magnitude=0.15",
        (FAULTY_CELL - 0.5) * TAKT_S, TAKT_S);
    sim = SimulatorServer.create(line, SimulatorOptions.defaults().withSeed(23).withTimeScale(40)
        .withTaktSeconds(TAKT_S).withCellsPerRoll(CELLS_PER_ROLL).withTickMs(50)
        .withFaults(List.of(FaultSpec.parse(fault))));
    sim.startAsync().get();
    acquisition = AcquisitionHarness.start(schema.dataSource(), line);
    acquisition.vertx().eventBus().<JsonObject>consumer(Addresses.ANOMALIES, m -> anomalies.add(m.body()));
    acquisition.vertx().eventBus().<JsonObject>consumer(Addresses.VERDICTS,
        m -> verdicts.put(m.body().getString("cellId"), m.body()));
    source = new JdbcCellFeatureSource(schema.dataSource(), features, line);
    JdbcFeatureStore store = new JdbcFeatureStore(schema.dataSource(), Clock.systemUTC());
    JdbcModelRegistry registry = new JdbcModelRegistry(schema.dataSource());
    // Before any model is active the verticle only stores each vector: the training data.
    scoring = new ScoringVerticle(source, store, registry, new JdbcAnomalyLedger(schema.dataSource()),
        ModelKind.ISOLATION_FOREST, Clock.systemUTC());
    acquisition.vertx().deployVerticle(scoring).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertTrue(AcquisitionHarness.waitFor(Duration.ofMinutes(6), () -> stored(TRAINING_END)),
        "cell " + cell(TRAINING_END) + " never got a stored vector; simulator at " + sim.cellsFinished());
    FeatureVector first = source.build(cell(FIRST_TRAINING_CELL)).orElseThrow();
    FeatureVector end = source.build(cell(TRAINING_END)).orElseThrow();
    // Not every vector is complete: at this pace the one-per-cell results (EOL, stacking offset)
    // are missed for some cells (docs/ANALYTICS.md, Evaluation); training imputes them, as it would
    // in production.
    ModelTrainer trainer = new ModelTrainer(store, new JdbcTrainingExclusions(schema.dataSource()), registry,
        new TrainingSettings(0.01, 200, 0.2, 100, 8, 256, -1, 42, 0, 0.9), Clock.systemUTC());
    training = trainer.train(features.version(), first.completedAt(), end.completedAt(), false, p -> { });
    ModelVersion forest = training.versions().stream().filter(v -> v.kind() == ModelKind.ISOLATION_FOREST)
        .findFirst().orElseThrow();
    registry.activate(ModelKind.ISOLATION_FOREST, forest.version());
    finishedWhenTrained = sim.cellsFinished();
    assertTrue(AcquisitionHarness.waitFor(Duration.ofMinutes(2),
        () -> verdicts.containsKey(cell(FAULTY_CELL)) && verdicts.containsKey(cell(GOOD_CELL))),
        "no verdict for " + cell(FAULTY_CELL) + " or " + cell(GOOD_CELL) + "; simulator at " + sim.cellsFinished());
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

  /** Every tag sampled at 100 ms at most, as the simulator ticks every 50 ms (2 s simulated at 40x). */
  private static Line fastSampling(Line line) {
    Line out = line;
    for (Equipment e : line.equipment().toList()) {
      List<Tag> tags = e.tags().stream().map(t -> {
        double sampling = Math.min(t.samplingMs(), 100);
        int queue = Math.max(t.queueSize(), (int) Math.ceil(e.publishingIntervalMs() / sampling) + 1);
        return new Tag(t.name(), t.nodeId(), t.unit(), sampling, queue, t.deadband(), t.spec(), t.slot());
      }).toList();
      out = out.withEquipment(e.withTags(tags));
    }
    return out;
  }

  private static String cell(int n) {
    return String.format(Locale.ROOT, "C-%06d", n);
  }

  /** Whether the scoring verticle has stored the cell's vector (the training data). */
  private static boolean stored(int n) {
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("select count(*) from cell_feature where cell_id = ?")) {
      ps.setString(1, cell(n));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Anomaly> anomaliesOf(String cellId) {
    List<Anomaly> out = new ArrayList<>();
    for (JsonObject j : anomalies) {
      if (cellId.equals(j.getString("subjectId"))) {
        out.add(AnomalyJson.anomaly(j));
      }
    }
    return out;
  }

  @Test
  void theModelWasTrainedOnThisLinesCellsBeforeThePressureLossCellFinished() {
    assertTrue(training.trainingCells() >= 200, "trained on " + training.trainingCells() + " cells");
    assertEquals(2, training.versions().size(), training.versions().toString());
    assertTrue(finishedWhenTrained < FAULTY_CELL - 2,
        "the simulator had finished " + finishedWhenTrained + " cells when the models became active");
  }

  @Test
  void theCellPressedUnderAPressureLossGetsAnAnomalyWithAPressFeatureInItsTopTwo() {
    List<Anomaly> raised = anomaliesOf(cell(FAULTY_CELL));
    assertTrue(!raised.isEmpty(), cell(FAULTY_CELL) + " got no anomaly; verdict " + verdicts.get(cell(FAULTY_CELL)));
    List<String> tops = new ArrayList<>();
    boolean pressInTopTwo = false;
    for (Anomaly a : raised) {
      List<String> topTwo = a.contributions().stream().limit(2).map(Contribution::feature).toList();
      tops.add(a.modelKind() + " " + topTwo);
      pressInTopTwo |= topTwo.contains(Pressure.PEAK) || topTwo.contains(Pressure.HOLD);
    }
    System.out.println("anomalies on " + cell(FAULTY_CELL) + ": " + tops);
    FeatureVector faulty = source.build(cell(FAULTY_CELL)).orElseThrow();
    assertTrue(faulty.value(Pressure.PEAK) < 0.9 * 500, "press peak " + faulty.value(Pressure.PEAK));
    assertTrue(pressInTopTwo, "no press-pressure feature in the top two: " + tops);
    assertEquals(false, verdicts.get(cell(FAULTY_CELL)).getBoolean("ok"));
  }

  @Test
  void aGoodCellScoredByTheSameModelGetsNoAnomaly() {
    JsonObject verdict = verdicts.get(cell(GOOD_CELL));
    assertEquals(true, verdict.getBoolean("ok"), verdict.encode());
    assertEquals(List.of(), anomaliesOf(cell(GOOD_CELL)).stream().map(Anomaly::modelKind).toList());
  }
}
