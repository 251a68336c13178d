package org.pilotline.analytics.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import smile.feature.extraction.PCA;
import smile.math.matrix.Matrix;

/**
 * PCA (Smile 3.1.1) on standardised features, monitored with Hotelling T² and SPE (Q).
 *
 * <p>For a standardised, centred vector c with scores t_a = p_aᵀc on the k retained components:
 * <ul>
 *   <li>T² = Σ_a t_a²/λ_a, with per-feature contributions T²_j = Σ_a (t_a/λ_a)·p_{j,a}·c_j, which
 *       add up to T² (a feature's contribution can be negative);</li>
 *   <li>SPE = Σ_j e_j² with residual e = c − P_k t, and contributions e_j² (add up to SPE).</li>
 * </ul>
 * λ_a is the variance (n − 1) of the training scores t_a, computed here rather than read from
 * {@code PCA.variance()}, whose scale depends on Smile's solver (squared singular values on the
 * SVD path).
 *
 * <p>Each statistic's limit is its training scores' empirical (1 − rate) quantile. The model's
 * single score is max(T²/T²_lim, SPE/SPE_lim), whose own threshold is again calibrated to the rate
 * on the training set (taking the max of two statistics each at the rate would alarm more often).
 * The score's contributions are those of the statistic that gives the max, divided by that
 * statistic's limit, so they add up to the score; both statistics with their own contributions
 * come with every score.
 */
public final class PcaModel implements AnomalyModel {
  private final TrainedModel trained;
  private final double[] center;
  private final double[][] loadings; // [feature][component], k columns
  private final double[] lambda;
  private final double t2Limit;
  private final double speLimit;

  private PcaModel(TrainedModel trained, double[] center, double[][] loadings, double[] lambda,
      double t2Limit, double speLimit) {
    this.trained = trained;
    this.center = center;
    this.loadings = loadings;
    this.lambda = lambda;
    this.t2Limit = t2Limit;
    this.speLimit = speLimit;
  }

  /**
   * Trains on the rows of {@code x} (raw features) and calibrates the limits and the threshold.
   *
   * @param x training rows, all of one width, finite; more rows than features
   * @param featureNames one name per column
   * @param params how many components to keep
   * @param falseAlarmRate the target fraction of training rows above the threshold, in (0, 1)
   */
  public static PcaModel fit(double[][] x, List<String> featureNames, PcaParams params,
      double falseAlarmRate) {
    int d = Models.width(x);
    Models.checkNames(featureNames, d);
    Models.checkRate(falseAlarmRate);
    if (x.length <= d) {
      throw new IllegalArgumentException("PCA needs more rows (" + x.length + ") than features ("
          + d + ")");
    }
    Standardisation standardisation = Standardisation.fit(x);
    double[][] z = standardisation.apply(x);
    PCA pca = PCA.fit(z);
    int k = retained(pca, params, d);
    Matrix p = pca.loadings();
    double[][] loadings = new double[d][k];
    for (int j = 0; j < d; j++) {
      for (int a = 0; a < k; a++) {
        loadings[j][a] = p.get(j, a);
      }
    }
    double[] center = pca.center().clone();
    double[] lambda = scoreVariances(z, center, loadings);

    PcaModel unit = new PcaModel(null, center, loadings, lambda, 1, 1);
    double[] t2 = new double[z.length];
    double[] spe = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      Parts parts = unit.parts(z[i]);
      t2[i] = parts.t2();
      spe[i] = parts.spe();
    }
    double t2Limit = Models.quantileThreshold(t2, falseAlarmRate);
    double speLimit = Models.quantileThreshold(spe, falseAlarmRate);
    double[] combined = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      combined[i] = Math.max(t2[i] / t2Limit, spe[i] / speLimit);
    }
    double threshold = Models.quantileThreshold(combined, falseAlarmRate);
    TrainedModel trained = new TrainedModel(ModelKind.PCA,
        Map.of("components", (double) k, "varianceRetained", cumulative(pca, k),
            "t2Limit", t2Limit, "speLimit", speLimit),
        featureNames, standardisation, threshold, falseAlarmRate,
        Models.fractionAbove(combined, threshold), x.length);
    return new PcaModel(trained, center, loadings, lambda, t2Limit, speLimit);
  }

  /** Rebuilds a model from its parts (see {@link ModelCodec}); no retraining. */
  static PcaModel restore(TrainedModel trained, double[] center, double[][] loadings,
      double[] lambda, double t2Limit, double speLimit) {
    int d = trained.featureNames().size();
    if (center.length != d || loadings.length != d || lambda.length == 0) {
      throw new IllegalArgumentException("PCA parts do not match " + d + " features");
    }
    double[][] copy = new double[d][];
    for (int j = 0; j < d; j++) {
      if (loadings[j].length != lambda.length) {
        throw new IllegalArgumentException("loadings row " + j + " has " + loadings[j].length
            + " components, expected " + lambda.length);
      }
      copy[j] = loadings[j].clone();
    }
    return new PcaModel(trained, center.clone(), copy, lambda.clone(), t2Limit, speLimit);
  }

  double[] center() {
    return center.clone();
  }

  double[][] loadings() {
    double[][] copy = new double[loadings.length][];
    for (int j = 0; j < loadings.length; j++) {
      copy[j] = loadings[j].clone();
    }
    return copy;
  }

  double[] lambda() {
    return lambda.clone();
  }

  double t2Limit() {
    return t2Limit;
  }

  double speLimit() {
    return speLimit;
  }

  @Override
  public TrainedModel trained() {
    return trained;
  }

  /** The number of retained components. */
  public int components() {
    return lambda.length;
  }

  @Override
  public AnomalyScore score(double[] features) {
    Models.checkVector(features, center.length);
    Parts parts = parts(trained.standardisation().apply(features));
    List<String> names = trained.featureNames();
    List<Contribution> t2c = new ArrayList<>(names.size());
    List<Contribution> spec = new ArrayList<>(names.size());
    for (int j = 0; j < names.size(); j++) {
      t2c.add(new Contribution(names.get(j), parts.t2Contributions()[j]));
      spec.add(new Contribution(names.get(j), parts.speContributions()[j]));
    }
    double t2Ratio = parts.t2() / t2Limit;
    double speRatio = parts.spe() / speLimit;
    boolean t2Dominates = t2Ratio >= speRatio;
    double[] dominant = t2Dominates ? parts.t2Contributions() : parts.speContributions();
    double limit = t2Dominates ? t2Limit : speLimit;
    List<Contribution> contributions = new ArrayList<>(names.size());
    for (int j = 0; j < names.size(); j++) {
      contributions.add(new Contribution(names.get(j), dominant[j] / limit));
    }
    double score = Math.max(t2Ratio, speRatio);
    return new AnomalyScore(score, trained.threshold(), score > trained.threshold(), contributions,
        List.of(new StatisticScore("T2", parts.t2(), t2Limit, t2c),
            new StatisticScore("SPE", parts.spe(), speLimit, spec)));
  }

  private record Parts(double t2, double[] t2Contributions, double spe, double[] speContributions) {}

  /** T², SPE and their contributions for a standardised vector. */
  private Parts parts(double[] z) {
    int d = center.length;
    int k = lambda.length;
    double[] c = new double[d];
    for (int j = 0; j < d; j++) {
      c[j] = z[j] - center[j];
    }
    double[] t = new double[k];
    for (int a = 0; a < k; a++) {
      for (int j = 0; j < d; j++) {
        t[a] += loadings[j][a] * c[j];
      }
    }
    double t2 = 0;
    double[] t2c = new double[d];
    double spe = 0;
    double[] spec = new double[d];
    for (int a = 0; a < k; a++) {
      t2 += t[a] * t[a] / lambda[a];
    }
    for (int j = 0; j < d; j++) {
      double fitted = 0;
      for (int a = 0; a < k; a++) {
        t2c[j] += t[a] / lambda[a] * loadings[j][a] * c[j];
        fitted += loadings[j][a] * t[a];
      }
      double e = c[j] - fitted;
      spec[j] = e * e;
      spe += spec[j];
    }
    return new Parts(t2, t2c, spe, spec);
  }

  private static int retained(PCA pca, PcaParams params, int d) {
    if (params.components() > 0) {
      if (params.components() > d) {
        throw new IllegalArgumentException("components " + params.components() + " > features " + d);
      }
      return params.components();
    }
    double[] cumulative = pca.cumulativeVarianceProportion();
    for (int a = 0; a < cumulative.length; a++) {
      // the tolerance keeps 1.0 from asking for one component more than exists
      if (cumulative[a] >= params.varianceRetained() - 1e-12) {
        return a + 1;
      }
    }
    return d;
  }

  private static double cumulative(PCA pca, int k) {
    return pca.cumulativeVarianceProportion()[k - 1];
  }

  private static double[] scoreVariances(double[][] z, double[] center, double[][] loadings) {
    int k = loadings[0].length;
    double[] sum = new double[k];
    double[] sumSq = new double[k];
    for (double[] row : z) {
      for (int a = 0; a < k; a++) {
        double t = 0;
        for (int j = 0; j < row.length; j++) {
          t += loadings[j][a] * (row[j] - center[j]);
        }
        sum[a] += t;
        sumSq[a] += t * t;
      }
    }
    double[] var = new double[k];
    int n = z.length;
    for (int a = 0; a < k; a++) {
      var[a] = (sumSq[a] - sum[a] * sum[a] / n) / (n - 1);
      if (!(var[a] > 0)) {
        throw new IllegalArgumentException("principal component " + (a + 1)
            + " has no variance; keep fewer components");
      }
    }
    return var;
  }
}
