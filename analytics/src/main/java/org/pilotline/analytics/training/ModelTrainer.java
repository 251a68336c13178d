package org.pilotline.analytics.training;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.pilotline.analytics.Addresses;
import org.pilotline.analytics.feature.FeatureStore;
import org.pilotline.analytics.feature.FeatureVector;
import org.pilotline.analytics.model.AnomalyModel;
import org.pilotline.analytics.model.Imputation;
import org.pilotline.analytics.model.IsolationForestModel;
import org.pilotline.analytics.model.IsolationForestParams;
import org.pilotline.analytics.model.ModelKind;
import org.pilotline.analytics.model.PcaModel;
import org.pilotline.analytics.model.PcaParams;
import org.pilotline.analytics.registry.ModelRegistry;
import org.pilotline.analytics.registry.ModelVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains both anomaly models on a window of stored feature vectors and registers them as new
 * versions: the command line's {@code train} and, through {@link #trainAsync}, the HMI's.
 *
 * <p>The window's cells less the known-bad and flagged ones (see {@link TrainingExclusions}) are
 * the training set; the missing-value policy ({@link Imputation}) is learned on them and stored
 * with each model. Progress goes to a listener as percent done and an ETA extrapolated from the
 * rate so far; the Isolation Forest, most of the work, reports after every tree.
 */
public final class ModelTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(ModelTrainer.class);

  // Where each phase ends, as a fraction of the run, from TrainingBench (100k x 12 read from
  // cell_feature): reading and parsing the vectors takes about a third, the forest half, PCA and
  // storing the rest. With an in-memory store the first steps pass at once; that only helps.
  private static final double LOAD = 0.30;
  private static final double EXCLUDE = 0.33;
  private static final double PREPARE = 0.35;
  private static final double FOREST = 0.82;
  private static final double PCA = 0.95;

  private final FeatureStore features;
  private final TrainingExclusions exclusions;
  private final ModelRegistry registry;
  private final TrainingSettings settings;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();

  public ModelTrainer(FeatureStore features, TrainingExclusions exclusions, ModelRegistry registry,
      TrainingSettings settings, Clock clock) {
    this.features = Objects.requireNonNull(features, "features");
    this.exclusions = Objects.requireNonNull(exclusions, "exclusions");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Trains off the event loop and publishes each progress step on
   * {@link Addresses#TRAINING_PROGRESS} as JSON {@code {percent, phase, elapsedMillis, etaMillis}}.
   *
   * @param activate make the new versions the active ones
   */
  public Future<TrainingReport> trainAsync(Vertx vertx, int schemaVersion, Instant from, Instant to,
      boolean activate) {
    Consumer<TrainingProgress> publish = p -> vertx.eventBus().publish(Addresses.TRAINING_PROGRESS,
        new JsonObject().put("percent", p.percent()).put("phase", p.phase())
            .put("elapsedMillis", p.elapsedMillis()).put("etaMillis", p.etaMillis())
            .put("schemaVersion", schemaVersion).put("from", from.toString())
            .put("to", to.toString()));
    return vertx.executeBlocking(() -> train(schemaVersion, from, to, activate, publish), false);
  }

  /**
   * Trains both models on the cells of {@code schemaVersion} completed in [from, to). Blocking.
   *
   * @param activate make the new versions the active ones
   * @param progress told of every step; the last call has percent 100
   * @throws IllegalStateException when another training is running, or the window holds fewer
   *     than {@code analytics.minTrainingCells} usable cells
   * @throws IllegalArgumentException when a configured parameter does not fit the data (naming
   *     the {@code analytics.} key)
   */
  public TrainingReport train(int schemaVersion, Instant from, Instant to, boolean activate,
      Consumer<TrainingProgress> progress) {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("training window is empty: from " + from
          + " is not before to " + to);
    }
    if (!running.compareAndSet(false, true)) {
      throw new IllegalStateException("a training run is already in progress");
    }
    try {
      return run(schemaVersion, from, to, activate, new Tracker(progress, clock));
    } finally {
      running.set(false);
    }
  }

  private TrainingReport run(int schemaVersion, Instant from, Instant to, boolean activate,
      Tracker tracker) {
    tracker.at(0, "loading");
    List<FeatureVector> window = features.between(schemaVersion, from, to);
    tracker.at(LOAD, "excluding");
    Map<String, String> excluded = exclusions.excluded(window.stream().map(FeatureVector::cellId)
        .toList());
    List<FeatureVector> kept = window.stream().filter(v -> !excluded.containsKey(v.cellId()))
        .toList();
    LOG.info("training window: schemaVersion={}, from={}, to={}, cells={}, excluded={}, kept={}",
        schemaVersion, from, to, window.size(), excluded.size(), kept.size());
    if (kept.size() < settings.minTrainingCells()) {
      throw new IllegalStateException("training window schema v" + schemaVersion + " [" + from
          + ", " + to + ") has " + kept.size() + " usable cells (" + window.size() + " in the window, "
          + excluded.size() + " known bad or flagged); analytics.minTrainingCells is "
          + settings.minTrainingCells());
    }
    tracker.at(EXCLUDE, "preparing");
    List<String> names = kept.get(0).names();
    double[][] raw = new double[kept.size()][];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = aligned(names, kept.get(i));
    }
    Imputation imputation = Imputation.fit(names, raw, settings.maxMissingFraction());
    double[][] x = imputation.apply(names, raw);
    long imputedValues = countMissing(raw, names, imputation);
    int d = imputation.features().size();

    tracker.at(PREPARE, "isolationForest");
    IsolationForestParams forestParams = forestParams(x.length, d);
    IsolationForestModel forest = IsolationForestModel.fit(x, imputation.features(), forestParams,
        settings.falseAlarmRate(), f -> tracker.at(PREPARE + (FOREST - PREPARE) * f,
            "isolationForest"));
    tracker.at(FOREST, "pca");
    PcaModel pca = PcaModel.fit(x, imputation.features(), pcaParams(d), settings.falseAlarmRate());
    tracker.at(PCA, "storing");

    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("windowCells", window.size());
    metrics.put("excludedKnownBad", excluded.values().stream()
        .filter(TrainingExclusions.KNOWN_BAD::equals).count());
    metrics.put("excludedFlagged", excluded.values().stream()
        .filter(TrainingExclusions.FLAGGED::equals).count());
    metrics.put("droppedFeatures", new ArrayList<>(imputation.dropped().keySet()));
    metrics.put("imputedValues", imputedValues);
    List<ModelVersion> versions = new ArrayList<>();
    for (AnomalyModel model : List.of(forest, pca)) {
      Map<String, Object> m = new LinkedHashMap<>(metrics);
      m.put("trainingFalseAlarmRate", model.trained().trainingFalseAlarmRate());
      m.put("trainingMillis", tracker.elapsedMillis());
      ModelVersion v = registry.save(model, imputation, schemaVersion, from, to, m);
      if (activate) {
        v = registry.activate(v.kind(), v.version());
      }
      versions.add(v);
      LOG.info("model stored: kind={}, version={}, active={}, cells={}, threshold={}", v.kind(),
          v.version(), v.active(), v.trainingCells(), v.threshold());
    }
    tracker.at(1.0, "done");
    return new TrainingReport(schemaVersion, from, to, window.size(), excluded, kept.size(),
        imputation.dropped(), versions, tracker.elapsedMillis());
  }

  private IsolationForestParams forestParams(int rows, int d) {
    int extension = settings.forestExtensionLevel() < 0 ? d - 1 : settings.forestExtensionLevel();
    if (extension > d - 1) {
      throw new IllegalArgumentException("analytics.forestExtensionLevel " + extension
          + " exceeds d - 1 = " + (d - 1) + " for the " + d + " features trained on");
    }
    double subsample = Math.min(1.0, (double) settings.forestSamplesPerTree() / rows);
    return new IsolationForestParams(settings.forestTrees(), settings.forestMaxDepth(), subsample,
        extension, settings.forestSeed());
  }

  private PcaParams pcaParams(int d) {
    if (settings.pcaComponents() == 0) {
      return PcaParams.varianceRetained(settings.pcaVarianceRetained());
    }
    if (settings.pcaComponents() > d) {
      throw new IllegalArgumentException("analytics.pcaComponents " + settings.pcaComponents()
          + " exceeds the " + d + " features trained on");
    }
    return PcaParams.components(settings.pcaComponents());
  }

  /** The vector's values in {@code names} order; a name it lacks is missing (NaN). */
  private static double[] aligned(List<String> names, FeatureVector v) {
    if (v.names().equals(names)) {
      return v.values();
    }
    double[] out = new double[names.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = v.names().contains(names.get(j)) ? v.value(names.get(j)) : Double.NaN;
    }
    return out;
  }

  private static long countMissing(double[][] raw, List<String> names, Imputation imputation) {
    long n = 0;
    for (int j = 0; j < names.size(); j++) {
      if (!imputation.features().contains(names.get(j))) {
        continue;
      }
      for (double[] row : raw) {
        n += Double.isFinite(row[j]) ? 0 : 1;
      }
    }
    return n;
  }

  /** Turns fractions done into percent steps with an ETA; reports each percent once. */
  private static final class Tracker {
    private final Consumer<TrainingProgress> listener;
    private final Clock clock;
    private final Instant start;
    private int lastPercent = -1;
    private String lastPhase = "";

    Tracker(Consumer<TrainingProgress> listener, Clock clock) {
      this.listener = listener;
      this.clock = clock;
      this.start = clock.instant();
    }

    long elapsedMillis() {
      return clock.millis() - start.toEpochMilli();
    }

    void at(double fraction, String phase) {
      int percent = (int) Math.floor(Math.min(1.0, Math.max(0.0, fraction)) * 100);
      if (percent <= lastPercent && phase.equals(lastPhase)) {
        return;
      }
      percent = Math.max(percent, lastPercent);
      lastPercent = percent;
      lastPhase = phase;
      long elapsed = elapsedMillis();
      long eta = percent >= 100 ? 0 : fraction < 0.02 ? -1
          : Math.round(elapsed * (1 - fraction) / fraction);
      listener.accept(new TrainingProgress(percent, phase, elapsed, eta));
    }
  }
}
