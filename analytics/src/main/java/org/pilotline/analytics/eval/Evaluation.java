package org.pilotline.analytics.eval;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.pilotline.acquisition.sim.FaultKind;
import org.pilotline.acquisition.sim.FaultSpec;
import org.pilotline.acquisition.sim.FinishedCell;
import org.pilotline.analytics.feature.CellFeatureSource;
import org.pilotline.analytics.feature.FeatureVector;
import org.pilotline.analytics.model.AnomalyModel;
import org.pilotline.analytics.model.AnomalyScore;
import org.pilotline.analytics.model.IsolationForestModel;
import org.pilotline.analytics.model.IsolationForestParams;
import org.pilotline.analytics.model.PcaModel;
import org.pilotline.analytics.model.PcaParams;
import org.pilotline.analytics.spc.ControlLimits;
import org.pilotline.analytics.spc.CusumChart;
import org.pilotline.analytics.spc.EwmaChart;

/**
 * Trains the anomaly models on the training cells' vectors and scores the rest against the
 * simulator's truth: ROC-AUC, precision and recall at the calibrated threshold, the false-alarm
 * rate on good cells, top-1 root cause, for each model and for the univariate 3σ baseline; and
 * the EWMA/CUSUM delay of each drift fault on the drifting tag's feature.
 *
 * <p>Missing values: a feature missing in more than {@link #MAX_MISSING_FRACTION} of the training
 * vectors is left out (for every model alike), and a cell still missing a value is left out and
 * counted; no value is imputed, so no model is judged on made-up numbers.
 */
public final class Evaluation {
  public static final String ISOLATION_FOREST = "isolationForest";
  public static final String PCA = "pca";
  public static final String BASELINE = "3σ baseline";
  static final double MAX_MISSING_FRACTION = 0.2;
  /** The drift charts of DriftDetectionTest: both hold an in-control ARL of at least 370. */
  static final double EWMA_LAMBDA = 0.1;
  static final double EWMA_L = 2.814;
  static final double CUSUM_K = 0.5;
  static final double CUSUM_H = 5.0;
  private static final double PCA_VARIANCE = 0.9;

  private Evaluation() {}

  /** One cell's vector with the simulator's truth about it. */
  public record Labelled(FeatureVector vector, FinishedCell truth) {}

  /**
   * Builds the vectors of the cells after the warm-up, in the order they finished. A cell the
   * source cannot build is left out (counted by the caller from the sizes).
   */
  public static List<Labelled> vectors(List<FinishedCell> cells, int warmUp, CellFeatureSource source,
      PrintStream progressOut) {
    List<FinishedCell> wanted = cells.subList(Math.min(warmUp, cells.size()), cells.size());
    Progress progress = new Progress("building feature vectors", "cells", wanted.size(), progressOut);
    List<Labelled> out = new ArrayList<>(wanted.size());
    int done = 0;
    for (FinishedCell c : wanted) {
      source.build(c.cellId()).ifPresent(v -> out.add(new Labelled(v, c)));
      progress.update(++done);
    }
    progress.done(done);
    return out;
  }

  /**
   * @param training the vectors to train on, in production order (no fault touches them)
   * @param scored the vectors to score, in production order
   * @param faults the scenario's faults (drift faults get a detection delay)
   * @param cellsRun cells the simulator finished, for the report
   */
  public static EvaluationReport evaluate(List<Labelled> training, List<Labelled> scored, List<FaultSpec> faults,
      FeatureGroups groups, double falseAlarmRate, long seed, int cellsRun, PrintStream progressOut) {
    if (training.isEmpty() || scored.isEmpty()) {
      throw new IllegalArgumentException("nothing to train on or to score: " + training.size() + " training, "
          + scored.size() + " scored vectors");
    }
    List<String> names = training.get(0).vector().names();
    List<String> notes = new ArrayList<>();
    // Features missing too often in training are left out for every model.
    List<String> dropped = new ArrayList<>();
    List<Integer> keep = new ArrayList<>();
    for (int j = 0; j < names.size(); j++) {
      int missing = 0;
      for (Labelled l : training) {
        missing += Double.isFinite(l.vector().values()[j]) ? 0 : 1;
      }
      if (missing > MAX_MISSING_FRACTION * training.size()) {
        dropped.add(names.get(j));
      } else {
        keep.add(j);
      }
    }
    List<String> kept = keep.stream().map(names::get).toList();
    List<Labelled> train = complete(training, keep);
    List<Labelled> test = complete(scored, keep);
    int droppedCells = training.size() - train.size() + scored.size() - test.size();
    double[][] x = rows(train, keep);

    progressOut.println("  training on " + x.length + " cells x " + kept.size() + " features");
    List<AnomalyModel> models = List.of(
        IsolationForestModel.fit(x, kept, IsolationForestParams.extended(x.length, kept.size(), seed), falseAlarmRate),
        PcaModel.fit(x, kept, PcaParams.varianceRetained(PCA_VARIANCE), falseAlarmRate));
    UnivariateBaseline baseline = UnivariateBaseline.fit(x, kept);

    int n = test.size();
    boolean[] faulty = new boolean[n];
    List<Set<String>> causes = new ArrayList<>(n);
    List<String> kinds = new ArrayList<>(n);
    Map<String, Integer> faultyByKind = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      FinishedCell truth = test.get(i).truth();
      faulty[i] = truth.faulty();
      Set<String> stations = new HashSet<>();
      truth.faults().forEach(h -> stations.add(h.stationId()));
      causes.add(stations);
      String kind = kindOf(truth);
      kinds.add(kind);
      if (kind != null) {
        faultyByKind.merge(kind, 1, Integer::sum);
      }
    }
    double[][] z = rows(test, keep);
    List<EvaluationReport.ModelFigures> figures = new ArrayList<>();
    Progress progress = new Progress("scoring", "cells", (long) n * (models.size() + 1), progressOut);
    long done = 0;
    for (AnomalyModel m : models) {
      double[] scores = new double[n];
      boolean[] flagged = new boolean[n];
      String[] top = new String[n];
      for (int i = 0; i < n; i++) {
        AnomalyScore s = m.score(z[i]);
        scores[i] = s.score();
        flagged[i] = s.flagged();
        top[i] = s.topFeature();
        progress.update(++done);
      }
      figures.add(figures(name(m), scores, flagged, top, faulty, causes, kinds, groups));
    }
    double[] scores = new double[n];
    boolean[] flagged = new boolean[n];
    String[] top = new String[n];
    for (int i = 0; i < n; i++) {
      UnivariateBaseline.Verdict v = baseline.score(z[i]);
      scores[i] = v.maxAbsZ();
      flagged[i] = v.flagged();
      top[i] = v.topFeature();
      progress.update(++done);
    }
    figures.add(figures(BASELINE, scores, flagged, top, faulty, causes, kinds, groups));
    progress.done(done);

    List<EvaluationReport.DriftFigures> drifts = new ArrayList<>();
    for (FaultSpec f : faults) {
      if (f.kind() != FaultKind.ROLL_WEAR && f.kind() != FaultKind.DRIFT) {
        continue;
      }
      Optional<String> feature = groups.levelFeature(f.effectiveTarget());
      if (feature.isEmpty() || !kept.contains(feature.get())) {
        notes.add("no delay for \"" + f.text() + "\": no mean feature of " + f.effectiveTarget() + " in use");
        continue;
      }
      drift(f, kept.indexOf(feature.get()), feature.get(), train, test, keep).ifPresentOrElse(drifts::add,
          () -> notes.add("no delay for \"" + f.text() + "\": no scored cell it touched has a complete vector"));
    }
    return new EvaluationReport(seed, cellsRun, train.size(), test.size(), count(faulty), faultyByKind, dropped,
        droppedCells, kept.size(), figures, drifts, notes);
  }

  private static String name(AnomalyModel m) {
    return m instanceof IsolationForestModel ? ISOLATION_FOREST : PCA;
  }

  /** The fault kind of a faulty cell (the first, when two touched it), null for a good one. */
  private static String kindOf(FinishedCell c) {
    return c.faulty() ? c.faults().get(0).fault().kind().label() : null;
  }

  private static EvaluationReport.ModelFigures figures(String model, double[] scores, boolean[] flagged, String[] top,
      boolean[] faulty, List<Set<String>> causes, List<String> kinds, FeatureGroups groups) {
    List<String> topGroups = new ArrayList<>();
    List<Set<String>> causeGroups = new ArrayList<>();
    Map<String, Integer> detected = new TreeMap<>();
    Map<String, Integer> falseAlarms = new TreeMap<>();
    for (int i = 0; i < scores.length; i++) {
      if (!faulty[i] && flagged[i]) {
        falseAlarms.merge(top[i], 1, Integer::sum);
      }
      if (faulty[i] && flagged[i]) {
        topGroups.add(groups.group(top[i]));
        causeGroups.add(causes.get(i));
        detected.merge(kinds.get(i), 1, Integer::sum);
      }
    }
    return new EvaluationReport.ModelFigures(model, Metrics.rocAuc(scores, faulty), Metrics.confusion(flagged, faulty),
        Metrics.topOneAccuracy(topGroups, causeGroups), topGroups.size(), detected, falseAlarms);
  }

  /**
   * The delay of one drift fault on its tag's mean feature over the production sequence (training,
   * then scored cells). Consecutive cells with the same value (cells of one roll share a roll-level
   * feature) make one sample, so a delay counts rolls for a roll-level tag and cells for a cell-level
   * one. Limits: the training samples' mean and standard deviation.
   */
  private static Optional<EvaluationReport.DriftFigures> drift(FaultSpec fault, int column, String feature,
      List<Labelled> train, List<Labelled> test, List<Integer> keep) {
    List<Double> samples = new ArrayList<>();
    List<Boolean> training = new ArrayList<>();
    int onset = -1;
    int cells = 0;
    List<Labelled> all = new ArrayList<>(train);
    all.addAll(test);
    for (int i = 0; i < all.size(); i++) {
      double v = all.get(i).vector().values()[keep.get(column)];
      boolean sameAsLast = !samples.isEmpty() && samples.get(samples.size() - 1) == v;
      if (!sameAsLast) {
        samples.add(v);
        training.add(i < train.size());
      }
      cells++;
      boolean touched = all.get(i).truth().faults().stream().anyMatch(h -> h.fault().equals(fault));
      if (touched && onset < 0) {
        onset = samples.size() - 1;
      }
    }
    if (onset < 0) {
      return Optional.empty();
    }
    double[] baseline = new double[(int) training.stream().filter(b -> b).count()];
    for (int i = 0, k = 0; i < samples.size(); i++) {
      if (training.get(i)) {
        baseline[k++] = samples.get(i);
      }
    }
    double mean = 0;
    for (double b : baseline) {
      mean += b;
    }
    mean /= baseline.length;
    double ss = 0;
    for (double b : baseline) {
      ss += (b - mean) * (b - mean);
    }
    ControlLimits limits = ControlLimits.of(mean, Math.sqrt(ss / (baseline.length - 1)));
    double[] seq = samples.stream().mapToDouble(Double::doubleValue).toArray();
    Supplier<DriftDelay.Chart> ewma = () -> new EwmaChart(limits, EWMA_LAMBDA, EWMA_L)::add;
    Supplier<DriftDelay.Chart> cusum = () -> new CusumChart(limits, CUSUM_K, CUSUM_H)::add;
    String per = samples.size() * 2 < cells ? "roll" : "cell";
    return Optional.of(new EvaluationReport.DriftFigures(fault.text(), feature, per,
        DriftDelay.measure(seq, onset, ewma), DriftDelay.measure(seq, onset, cusum)));
  }

  private static List<Labelled> complete(List<Labelled> in, List<Integer> keep) {
    List<Labelled> out = new ArrayList<>(in.size());
    for (Labelled l : in) {
      double[] v = l.vector().values();
      if (keep.stream().allMatch(j -> Double.isFinite(v[j]))) {
        out.add(l);
      }
    }
    return out;
  }

  private static double[][] rows(List<Labelled> in, List<Integer> keep) {
    double[][] x = new double[in.size()][keep.size()];
    for (int i = 0; i < in.size(); i++) {
      double[] v = in.get(i).vector().values();
      for (int j = 0; j < keep.size(); j++) {
        x[i][j] = v[keep.get(j)];
      }
    }
    return x;
  }

  private static int count(boolean[] b) {
    int n = 0;
    for (boolean x : b) {
      n += x ? 1 : 0;
    }
    return n;
  }
}
