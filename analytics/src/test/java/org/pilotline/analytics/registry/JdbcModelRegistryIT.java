package org.pilotline.analytics.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.analytics.feature.FeatureVector;
import org.pilotline.analytics.feature.JdbcFeatureStore;
import org.pilotline.analytics.model.Imputation;
import org.pilotline.analytics.model.IsolationForestModel;
import org.pilotline.analytics.model.IsolationForestParams;
import org.pilotline.analytics.model.ModelKind;
import org.pilotline.analytics.model.PcaModel;
import org.pilotline.analytics.model.PcaParams;
import org.pilotline.analytics.testing.SyntheticFeatures;

class JdbcModelRegistryIT {
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  private static TestDatabase.Schema schema;
  private static JdbcModelRegistry registry;
  private static SyntheticFeatures cells;
  private static double[][] x;

  @BeforeAll
  static void migrate() {
    schema = TestDatabase.createMigratedSchema("model_registry");
    registry = new JdbcModelRegistry(schema.dataSource());
    cells = new SyntheticFeatures(5, 3, T0);
    x = new double[300][];
    for (int i = 0; i < x.length; i++) {
      x[i] = cells.inControl();
    }
  }

  @AfterAll
  static void drop() {
    TestDatabase.dropSchema(schema);
  }

  @BeforeEach
  void empty() throws Exception {
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("delete from model");
    }
  }

  private static ModelVersion savePca(int components) {
    PcaModel pca = PcaModel.fit(x, cells.names(), PcaParams.components(components), 0.01);
    return registry.save(pca, Imputation.fit(cells.names(), x, 0.2), 1, T0, T0.plusSeconds(3600),
        Map.of("note", "test"));
  }

  @Test
  void versionsCountUpPerKindAndOnlyTheActivatedOneIsActive() {
    ModelVersion v1 = savePca(2);
    ModelVersion v2 = savePca(3);
    ModelVersion f1 = registry.save(IsolationForestModel.fit(x, cells.names(),
            IsolationForestParams.classic(x.length, 1), 0.01),
        Imputation.fit(cells.names(), x, 0.2), 1, null, null, Map.of());

    assertEquals(List.of(1, 2, 1), List.of(v1.version(), v2.version(), f1.version()));
    assertFalse(v2.active());
    assertTrue(registry.active(ModelKind.PCA).isEmpty());

    registry.activate(ModelKind.PCA, 1);
    registry.activate(ModelKind.PCA, 2);
    assertEquals(Map.of(ModelKind.PCA, 2), registry.activeVersions());
    assertEquals(List.of(2, 1), registry.list(ModelKind.PCA).stream().map(ModelVersion::version).toList());
    assertEquals(List.of(true, false), registry.list(ModelKind.PCA).stream().map(ModelVersion::active).toList());
    assertEquals(T0, v1.trainFrom());
    assertEquals(300, v1.trainingCells());
    assertEquals(3.0, ((Number) v2.parameters().get("components")).doubleValue());
    assertEquals("test", v2.metrics().get("note"));
  }

  // What is stored is what scores: the active model read back scores as the one trained.
  @Test
  void theActiveModelLoadsAndScoresAsTrained() {
    PcaModel pca = PcaModel.fit(x, cells.names(), PcaParams.components(2), 0.01);
    ModelVersion v = registry.save(pca, Imputation.fit(cells.names(), x, 0.2), 1, T0, T0, Map.of());
    registry.activate(ModelKind.PCA, v.version());

    RegisteredModel loaded = registry.active(ModelKind.PCA).orElseThrow();
    double[] probe = cells.typicalWithShift(2, 4);
    assertEquals(pca.score(probe), loaded.model().score(probe));
    assertEquals(v.id(), loaded.version().id());
  }

  @Test
  void rollbackReactivatesThePreviousVersionAndSaysWhenThereIsNone() {
    savePca(2);
    savePca(3);
    IllegalStateException none = assertThrows(IllegalStateException.class,
        () -> registry.rollback(ModelKind.PCA));
    assertEquals("cannot roll back PCA: no version is active (2 stored)", none.getMessage());

    registry.activate(ModelKind.PCA, 2);
    ModelVersion back = registry.rollback(ModelKind.PCA);
    assertEquals(1, back.version());
    assertTrue(back.active());
    assertEquals(Map.of(ModelKind.PCA, 1), registry.activeVersions());

    IllegalStateException first = assertThrows(IllegalStateException.class,
        () -> registry.rollback(ModelKind.PCA));
    assertEquals("cannot roll back PCA: v1 is active and there is no earlier version",
        first.getMessage());
    assertEquals(Map.of(ModelKind.PCA, 1), registry.activeVersions());
  }

  @Test
  void activatingAnUnknownVersionFailsAndKeepsTheActiveOne() {
    savePca(2);
    registry.activate(ModelKind.PCA, 1);
    assertThrows(NoSuchElementException.class, () -> registry.activate(ModelKind.PCA, 9));
    assertEquals(Map.of(ModelKind.PCA, 1), registry.activeVersions());
  }

  // JSON has no NaN: a missing feature goes in as null and comes back as NaN.
  @Test
  void featureVectorsRoundTripWithMissingValues() {
    JdbcFeatureStore store = new JdbcFeatureStore(schema.dataSource(), Clock.systemUTC());
    double[] values = cells.inControl();
    values[1] = Double.NaN;
    FeatureVector v = cells.cell(7, values);
    store.save(v);
    store.save(v); // a second save replaces, it does not fail

    List<FeatureVector> back = store.between(1, T0, T0.plusSeconds(3600));
    assertEquals(1, back.size());
    for (String name : cells.names()) {
      assertEquals(v.value(name), back.get(0).value(name), name);
    }
    assertTrue(Double.isNaN(back.get(0).value(cells.names().get(1))));
    assertEquals(v.completedAt(), back.get(0).completedAt());
    assertTrue(store.between(1, T0.plusSeconds(3600), T0.plusSeconds(7200)).isEmpty());
    assertTrue(store.between(2, T0, T0.plusSeconds(3600)).isEmpty());
  }
}
