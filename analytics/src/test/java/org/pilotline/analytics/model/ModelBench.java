package org.pilotline.analytics.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pilotline.analytics.feature.FeatureStore;
import org.pilotline.analytics.feature.FeatureVector;
import org.pilotline.analytics.registry.ModelRegistry;
import org.pilotline.analytics.registry.ModelVersion;
import org.pilotline.analytics.registry.RegisteredModel;
import org.pilotline.analytics.training.ModelTrainer;
import org.pilotline.analytics.training.TrainingProgress;
import org.pilotline.analytics.training.TrainingReport;
import org.pilotline.analytics.training.TrainingSettings;

/**
 * Training time and single-thread scoring throughput (with contributions) on 100k synthetic
 * vectors of 12 features. Runs only with -Pbench; prints its figures for docs/PERFORMANCE.md.
 */
class ModelBench {
  private static final int ROWS = 100_000;
  private static final int D = 12;

  @Test
  void trainAndScoreOneHundredThousandByTwelve() {
    SyntheticCells cells = new SyntheticCells(D, 1);
    double[][] x = cells.rows(ROWS);
    double[][] probe = cells.rows(20_000);

    long t0 = System.nanoTime();
    IsolationForestModel forest = IsolationForestModel.fit(x, cells.names(),
        IsolationForestParams.extended(ROWS, D, 42), 0.01);
    long t1 = System.nanoTime();
    PcaModel pca = PcaModel.fit(x, cells.names(), PcaParams.varianceRetained(0.9), 0.01);
    long t2 = System.nanoTime();
    double sink = 0;
    long c2 = cpu();
    for (double[] p : probe) {
      sink += forest.score(p).score();
    }
    long t3 = System.nanoTime();
    long c3 = cpu();
    for (double[] p : probe) {
      sink += pca.score(p).score();
    }
    long t4 = System.nanoTime();
    long c4 = cpu();
    System.out.printf("ModelBench %d x %d: IsolationForest(100 trees, psi 256, depth 8, ext 11) fit %d ms "
            + "(incl. scoring the training set for the threshold); PCA(%d comps) fit %d ms%n",
        ROWS, D, (t1 - t0) / 1_000_000, pca.components(), (t2 - t1) / 1_000_000);
    System.out.printf("ModelBench scoring with contributions, one thread: IsolationForest %.0f "
            + "vectors/s wall, %.0f per CPU-second; PCA %.0f vectors/s wall, %.0f per CPU-second%n",
        probe.length / ((t3 - t2) / 1e9), probe.length / ((c3 - c2) / 1e9),
        probe.length / ((t4 - t3) / 1e9), probe.length / ((c4 - c3) / 1e9));
    assertTrue(sink > 0);
  }

  /**
   * The production paths without the database: {@link ModelTrainer} on 100k stored vectors (2 %
   * of one feature missing), then the scoring verticle's per-cell work (imputation, both models
   * with contributions) on one thread, which is what one core scores.
   */
  @Test
  void trainerOnOneHundredThousandCellsAndScoringPerCore() {
    SyntheticCells cells = new SyntheticCells(D, 2);
    Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
    List<FeatureVector> vectors = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      double[] v = cells.next();
      if (i % 50 == 0) {
        v[3] = Double.NaN;
      }
      vectors.add(new FeatureVector("C" + i, 1, t0.plusSeconds(i), cells.names(), v));
    }
    FeatureStore store = new FeatureStore() {
      @Override
      public void save(FeatureVector vector) {
        throw new UnsupportedOperationException();
      }

      @Override
      public List<FeatureVector> between(int schemaVersion, Instant from, Instant to) {
        return vectors;
      }
    };
    MemoryRegistry registry = new MemoryRegistry();
    ModelTrainer trainer = new ModelTrainer(store, ids -> Map.of(), registry,
        new TrainingSettings(0.01, 1000, 0.2, 100, 8, 256, -1, 42, 0, 0.9), Clock.systemUTC());
    List<TrainingProgress> progress = new ArrayList<>();

    long a = System.nanoTime();
    long ca = processCpu();
    TrainingReport report = trainer.train(1, t0, t0.plusSeconds(ROWS), false, progress::add);
    long b = System.nanoTime();
    long cb = processCpu();
    assertEquals(ROWS, report.trainingCells());
    System.out.printf("ModelBench ModelTrainer %d cells x %d features (IF 100 trees psi 256 depth 8"
            + " ext 11 + PCA 90%%): %d ms wall, %d ms process CPU, %d progress lines, model bytes"
            + " IF %d, PCA %d%n",
        ROWS, D, (b - a) / 1_000_000, (cb - ca) / 1_000_000, progress.size(),
        registry.bytes.get(0).length,
        registry.bytes.get(1).length);
    for (TrainingProgress p : progress) {
      if (p.percent() % 10 == 0) {
        System.out.println("ModelBench progress " + p.line());
      }
    }

    List<ModelCodec.Decoded> models = registry.bytes.stream().map(ModelCodec::decode).toList();
    List<FeatureVector> probe = vectors.subList(0, 20_000);
    double sink = 0;
    for (int warm = 0; warm < 2; warm++) {
      long c = System.nanoTime();
      long cc = cpu();
      for (FeatureVector v : probe) {
        for (ModelCodec.Decoded m : models) {
          Imputation.Prepared in = m.imputation().apply(v.names(), v.values());
          sink += m.model().score(in.values()).contributions().get(0).value();
        }
      }
      long d = System.nanoTime();
      long cd = cpu();
      if (warm == 1) {
        System.out.printf("ModelBench scoring path (imputation + IF + PCA, contributions), one"
            + " thread: %.0f cells/s wall, %.0f cells per CPU-second%n",
            probe.size() / ((d - c) / 1e9), probe.size() / ((cd - cc) / 1e9));
      }
    }
    assertTrue(Double.isFinite(sink));
  }

  /** This thread's CPU time: throughput per CPU-second is per core, whatever else the machine runs. */
  private static long cpu() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Stores the encoded bytes, as the JDBC registry would, and nothing else. */
  private static final class MemoryRegistry implements ModelRegistry {
    final List<byte[]> bytes = new ArrayList<>();

    @Override
    public ModelVersion save(AnomalyModel model, Imputation imputation, int featureSchemaVersion,
        Instant trainFrom, Instant trainTo, Map<String, Object> metrics) {
      bytes.add(ModelCodec.encode(model, imputation));
      return new ModelVersion(bytes.size(), model.trained().kind(), 1, featureSchemaVersion,
          Map.of(), trainFrom, trainTo, model.trained().trainingRows(), model.trained().threshold(),
          metrics, false, Instant.now());
    }

    @Override
    public ModelVersion activate(ModelKind kind, int version) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<RegisteredModel> active(ModelKind kind) {
      return Optional.empty();
    }

    @Override
    public Map<ModelKind, Integer> activeVersions() {
      return Map.of();
    }

    @Override
    public List<ModelVersion> list(ModelKind kind) {
      return List.of();
    }

    @Override
    public ModelVersion rollback(ModelKind kind) {
      throw new UnsupportedOperationException();
    }
  }
}
