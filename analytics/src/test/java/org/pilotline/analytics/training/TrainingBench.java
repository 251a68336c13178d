package org.pilotline.analytics.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.analytics.feature.JdbcFeatureStore;
import org.pilotline.analytics.registry.JdbcModelRegistry;
import org.pilotline.analytics.testing.SyntheticFeatures;

/**
 * {@code train} as the command runs it, on a real database: 100,000 stored cells of 12 features
 * read from {@code cell_feature}, exclusions queried, both models fitted, encoded and stored.
 * Runs only with -Pbench; prints its figures for docs/PERFORMANCE.md.
 */
class TrainingBench {
  private static final int CELLS = 100_000;
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  private static TestDatabase.Schema schema;

  @BeforeAll
  static void populate() throws Exception {
    schema = TestDatabase.createMigratedSchema("training_bench");
    SyntheticFeatures cells = new SyntheticFeatures(12, 5, T0);
    List<String> names = cells.names();
    long a = System.nanoTime();
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("""
            insert into cell_feature (cell_id, schema_version, completed_at, built_at, features)
            values (?, 1, ?, now(), ?::jsonb)""")) {
      c.setAutoCommit(false);
      for (int i = 0; i < CELLS; i++) {
        double[] x = cells.inControl();
        JsonObject json = new JsonObject();
        for (int j = 0; j < x.length; j++) {
          json.put(names.get(j), i % 50 == 0 && j == 3 ? null : x[j]);
        }
        ps.setString(1, SyntheticFeatures.cellId(i));
        ps.setObject(2, T0.plusSeconds(i).atOffset(ZoneOffset.UTC));
        ps.setString(3, json.encode());
        ps.addBatch();
        if (i % 2000 == 1999) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
      c.commit();
    }
    System.out.printf("TrainingBench: %d cells inserted in %d ms%n", CELLS,
        (System.nanoTime() - a) / 1_000_000);
  }

  @AfterAll
  static void drop() {
    TestDatabase.dropSchema(schema);
  }

  @Test
  void trainOnOneHundredThousandStoredCells() {
    JdbcFeatureStore store = new JdbcFeatureStore(schema.dataSource(), Clock.systemUTC());
    long r0 = System.nanoTime();
    int read = store.between(1, T0, T0.plusSeconds(CELLS)).size();
    long r1 = System.nanoTime();
    ModelTrainer trainer = new ModelTrainer(store, new JdbcTrainingExclusions(schema.dataSource()),
        new JdbcModelRegistry(schema.dataSource()),
        new TrainingSettings(0.01, 1000, 0.2, 100, 8, 256, -1, 42, 0, 0.9), Clock.systemUTC());
    List<String> lines = new ArrayList<>();
    long a = System.nanoTime();
    TrainingReport report = trainer.train(1, T0, T0.plusSeconds(CELLS), true,
        p -> lines.add(p.line()));
    long b = System.nanoTime();
    assertEquals(CELLS, read);
    assertEquals(CELLS, report.trainingCells());
    System.out.printf("TrainingBench: reading %d vectors from cell_feature %d ms; ModelTrainer"
            + " end to end (read, exclusions, IF + PCA, store both) %d ms%n", read,
        (r1 - r0) / 1_000_000, (b - a) / 1_000_000);
    lines.stream().filter(l -> l.contains("0% ") || l.contains("done"))
        .forEach(l -> System.out.println("TrainingBench progress " + l));
  }
}
