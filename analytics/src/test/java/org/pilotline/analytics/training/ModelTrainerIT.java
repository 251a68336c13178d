package org.pilotline.analytics.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.analytics.anomaly.Anomaly;
import org.pilotline.analytics.anomaly.CellVerdict;
import org.pilotline.analytics.anomaly.JdbcAnomalyLedger;
import org.pilotline.analytics.feature.JdbcFeatureStore;
import org.pilotline.analytics.model.Contribution;
import org.pilotline.analytics.model.ModelKind;
import org.pilotline.analytics.registry.JdbcModelRegistry;
import org.pilotline.analytics.registry.ModelVersion;
import org.pilotline.analytics.testing.SyntheticFeatures;

class ModelTrainerIT {
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  private static final int GOOD = 400;
  private static final int D = 6;
  private static TestDatabase.Schema schema;
  private static ModelTrainer trainer;
  private static JdbcModelRegistry registry;
  private static final Map<String, String> expectedExcluded = new HashMap<>();

  @BeforeAll
  static void populate() throws Exception {
    schema = TestDatabase.createMigratedSchema("model_trainer");
    JdbcFeatureStore store = new JdbcFeatureStore(schema.dataSource(), Clock.systemUTC());
    JdbcAnomalyLedger ledger = new JdbcAnomalyLedger(schema.dataSource());
    registry = new JdbcModelRegistry(schema.dataSource());
    SyntheticFeatures cells = new SyntheticFeatures(D, 21, T0);
    int i = 0;
    for (; i < GOOD; i++) {
      double[] x = cells.inControl();
      if (i % 2 == 0) {
        x[3] = Double.NaN; // missing in half the cells: dropped at maxMissingFraction 0.2
      }
      if (i % 20 == 0) {
        x[1] = Double.NaN; // missing in 5 %: imputed
      }
      store.save(cells.cell(i, x));
    }
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("""
            insert into process_window (unit_kind, unit_id, station, equipment, slot, start_ts,
                                        end_ts, result)
            values ('CELL', ?, 'eol', 'eol-1', 'slot', ?, ?, ?)""")) {
      for (int k = 0; k < 30; k++, i++) {
        String id = SyntheticFeatures.cellId(i);
        // wild vectors: were they trained on, the models would learn them as normal
        store.save(cells.cell(i, cells.typicalWithShift(k % D, 12)));
        Instant t = T0.plusSeconds(60L * i);
        if (k < 10) {
          window(ps, id, t, k % 2 == 0 ? "NOK" : "fail");
          expectedExcluded.put(id, TrainingExclusions.KNOWN_BAD);
        } else if (k < 20) {
          ledger.record(Anomaly.openOnCell(id, "PCA", 1, t, 9, 3,
              List.of(new Contribution("x", 1))));
          expectedExcluded.put(id, TrainingExclusions.FLAGGED);
        } else {
          Anomaly a = ledger.record(Anomaly.openOnCell(id, "ISOLATION_FOREST", 1, t, 0.8, 0.6,
              List.of(new Contribution("x", 1))));
          ledger.recordVerdict(new CellVerdict(id, t, t, false, "ISOLATION_FOREST", 1, 0.8, 0.6,
              "x", a.id(), List.of()));
          expectedExcluded.put(id, TrainingExclusions.FLAGGED);
        }
      }
      // a window that passed, and one without a result yet: neither excludes its cell
      window(ps, SyntheticFeatures.cellId(1), T0.plusSeconds(60), "OK");
      window(ps, SyntheticFeatures.cellId(2), T0.plusSeconds(120), null);
    }
    trainer = new ModelTrainer(store, new JdbcTrainingExclusions(schema.dataSource()), registry,
        new TrainingSettings(0.01, 100, 0.2, 60, 8, 256, -1, 7, 0, 0.9), Clock.systemUTC());
  }

  private static void window(PreparedStatement ps, String cell, Instant t, String result)
      throws Exception {
    ps.setString(1, cell);
    ps.setObject(2, t.minusSeconds(30).atOffset(java.time.ZoneOffset.UTC));
    ps.setObject(3, t.atOffset(java.time.ZoneOffset.UTC));
    ps.setString(4, result);
    ps.executeUpdate();
  }

  @AfterAll
  static void drop() {
    TestDatabase.dropSchema(schema);
  }

  @Test
  void trainingLeavesOutKnownBadAndFlaggedCellsAndReportsProgressToTheEnd() {
    List<TrainingProgress> progress = new ArrayList<>();
    TrainingReport report = trainer.train(SyntheticFeatures.SCHEMA, T0, T0.plusSeconds(86_400),
        true, progress::add);

    assertEquals(GOOD + 30, report.windowCells());
    assertEquals(expectedExcluded, report.excluded());
    assertEquals(GOOD, report.trainingCells());
    assertEquals(Set.of("station3.f3"), report.droppedFeatures().keySet());
    assertEquals(List.of(ModelKind.ISOLATION_FOREST, ModelKind.PCA),
        report.versions().stream().map(ModelVersion::kind).toList());
    for (ModelVersion v : report.versions()) {
      assertTrue(v.active(), v.kind() + " active");
      assertEquals(GOOD, v.trainingCells());
      assertEquals(10, ((Number) v.metrics().get("excludedKnownBad")).intValue());
      assertEquals(20, ((Number) v.metrics().get("excludedFlagged")).intValue());
      assertEquals(GOOD / 20, ((Number) v.metrics().get("imputedValues")).intValue());
    }
    assertEquals(5, ((List<?>) registry.active(ModelKind.PCA).orElseThrow().version().parameters()
        .get("features")).size());

    assertTrue(progress.size() > 10, "progress steps: " + progress.size());
    for (int k = 1; k < progress.size(); k++) {
      assertTrue(progress.get(k).percent() >= progress.get(k - 1).percent(),
          "percent went down: " + progress.get(k - 1) + " -> " + progress.get(k));
    }
    TrainingProgress last = progress.get(progress.size() - 1);
    assertEquals(100, last.percent());
    assertEquals("done", last.phase());
    assertTrue(progress.stream().anyMatch(p -> p.phase().equals("isolationForest")
        && p.percent() > 20 && p.etaMillis() >= 0), "an ETA while the forest grows");
  }

  @Test
  void aWindowWithTooFewUsableCellsIsRefusedWithTheCounts() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> trainer.train(SyntheticFeatures.SCHEMA, T0, T0.plusSeconds(60L * 50), true, p -> { }));
    assertEquals("training window schema v1 [" + T0 + ", " + T0.plusSeconds(3000)
        + ") has 50 usable cells (50 in the window, 0 known bad or flagged);"
        + " analytics.minTrainingCells is 100", e.getMessage());
  }
}
