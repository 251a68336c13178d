package org.pilotline.analytics.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

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
    for (double[] p : probe) {
      sink += forest.score(p).score();
    }
    long t3 = System.nanoTime();
    for (double[] p : probe) {
      sink += pca.score(p).score();
    }
    long t4 = System.nanoTime();
    System.out.printf("ModelBench %d x %d: IsolationForest(100 trees, psi 256, depth 8, ext 11) fit %d ms "
            + "(incl. scoring the training set for the threshold); PCA(%d comps) fit %d ms%n",
        ROWS, D, (t1 - t0) / 1_000_000, pca.components(), (t2 - t1) / 1_000_000);
    System.out.printf("ModelBench scoring with contributions, one thread: IsolationForest %.0f "
            + "vectors/s, PCA %.0f vectors/s%n",
        probe.length / ((t3 - t2) / 1e9), probe.length / ((t4 - t3) / 1e9));
    assertTrue(sink > 0);
  }
}
