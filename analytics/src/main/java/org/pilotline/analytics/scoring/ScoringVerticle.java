package org.pilotline.analytics.scoring;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.pilotline.acquisition.store.UnitTracker;
import org.pilotline.analytics.Addresses;
import org.pilotline.analytics.anomaly.Anomaly;
import org.pilotline.analytics.anomaly.AnomalyJson;
import org.pilotline.analytics.anomaly.AnomalyLedger;
import org.pilotline.analytics.anomaly.CellVerdict;
import org.pilotline.analytics.feature.CellFeatureSource;
import org.pilotline.analytics.feature.FeatureStore;
import org.pilotline.analytics.feature.FeatureVector;
import org.pilotline.analytics.model.AnomalyScore;
import org.pilotline.analytics.model.Imputation;
import org.pilotline.analytics.model.ModelKind;
import org.pilotline.analytics.registry.ModelRegistry;
import org.pilotline.analytics.registry.RegisteredModel;
import org.pilotline.analytics.training.ModelTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores every finished cell: on {@code acquisition.Addresses.CELL_COMPLETED} it builds the cell's
 * feature vector, stores it, scores it with each active model, and records the verdict and any
 * anomaly; then it publishes them on {@link Addresses#ANOMALIES} and {@link Addresses#VERDICTS}.
 *
 * <ul>
 *   <li>All of that is blocking and runs in one ordered {@code executeBlocking} queue, so cells are
 *       scored one at a time in arrival order, off the event loop.</li>
 *   <li>Every active model that flags the cell raises its own anomaly (its kind and version are
 *       part of the anomaly); the verdict (OK/NOK) is the configured verdict model's.</li>
 *   <li>The vector is stored even when no model is active, so the first training has data. With
 *       no active model nothing else is recorded, and that is logged once, not per cell.</li>
 *   <li>Missing features are imputed by the model's own policy; the published JSON names them
 *       ({@code imputedFeatures}).</li>
 *   <li>A replayed completion stores the same rows again (the ledger keeps one anomaly per cell
 *       and model version) and publishes no second anomaly.</li>
 *   <li>The active versions are checked on every cell (one small query), so a newly trained or
 *       rolled-back model scores from the next cell on, without a restart.</li>
 *   <li>With a {@link ScoringBacklog}, a verdict names the stations of the cell's own process
 *       windows (else the line's route), and {@link #withAutoTraining} can train the first models
 *       and then score the cells that finished before them.</li>
 * </ul>
 */
public final class ScoringVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ScoringVerticle.class);

  private final CellFeatureSource source;
  private final FeatureStore store;
  private final ModelRegistry registry;
  private final AnomalyLedger ledger;
  private final ModelKind verdictKind;
  private final Clock clock;
  private final ScoringBacklog backlog;
  private final List<String> lineRoute;
  private final AtomicLong scored = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong backfilled = new AtomicLong();
  private final AtomicLong verdicts = new AtomicLong();
  private volatile Map<ModelKind, Integer> activeVersions = Map.of();
  private volatile JsonObject lastTraining;
  // Auto-training; touched on the event loop only.
  private ModelTrainer autoTrainer;
  private int autoTrainAfterCells;
  private int nextAttemptAt;
  private boolean training;
  // Touched only inside the ordered blocking queue: one thread at a time.
  private final Map<ModelKind, RegisteredModel> models = new EnumMap<>(ModelKind.class);
  private final Set<String> warned = new HashSet<>();
  private MessageConsumer<JsonObject> consumer;

  /** Without a backlog: verdicts carry no stations and there is no auto-training. */
  public ScoringVerticle(CellFeatureSource source, FeatureStore store, ModelRegistry registry,
      AnomalyLedger ledger, ModelKind verdictKind, Clock clock) {
    this(source, store, registry, ledger, verdictKind, clock, null, List.of());
  }

  /**
   * @param backlog the stations of each cell for its verdict, and the stored cells auto-training
   *     counts and backfills; null for neither
   * @param lineRoute the stations a verdict names when the cell's own windows name none
   */
  public ScoringVerticle(CellFeatureSource source, FeatureStore store, ModelRegistry registry,
      AnomalyLedger ledger, ModelKind verdictKind, Clock clock, ScoringBacklog backlog,
      List<String> lineRoute) {
    this.backlog = backlog;
    this.lineRoute = List.copyOf(lineRoute);
    this.source = Objects.requireNonNull(source, "source");
    this.store = Objects.requireNonNull(store, "store");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.verdictKind = Objects.requireNonNull(verdictKind, "verdictKind");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Trains both models once, in the background, when no model is active and {@code afterCells}
   * cells have stored vectors of the current schema; then activates them and scores every stored
   * cell that has no verdict yet (the backfill), so that no finished cell stays unscored. A failed
   * run is logged and tried again after another {@code afterCells} cells. Call before deploying.
   *
   * @param trainer its settings decide the models; its minTrainingCells should not exceed
   *     {@code afterCells}
   */
  public ScoringVerticle withAutoTraining(ModelTrainer trainer, int afterCells) {
    if (backlog == null) {
      throw new IllegalStateException("auto-training needs a ScoringBacklog to count and backfill cells");
    }
    if (afterCells < 1) {
      throw new IllegalArgumentException("afterCells must be >= 1: " + afterCells);
    }
    this.autoTrainer = Objects.requireNonNull(trainer, "trainer");
    this.autoTrainAfterCells = afterCells;
    this.nextAttemptAt = afterCells;
    return this;
  }

  /** Which version of each model kind scored the last cell; empty before any model. */
  public Map<ModelKind, Integer> activeVersions() {
    return activeVersions;
  }

  /** The last progress step of auto-training, as published on {@code TRAINING_PROGRESS}; null if none ran. */
  public JsonObject lastTrainingProgress() {
    JsonObject t = lastTraining;
    return t == null ? null : t.copy();
  }

  /** Verdicts recorded (and published) since the start, backfilled ones included. */
  public long verdictsRecorded() {
    return verdicts.get();
  }

  /** Cells scored after the first auto-training that had completed before it. */
  public long cellsBackfilled() {
    return backfilled.get();
  }

  /** Cells handled to the end (stored, and scored where a model was active). */
  public long cellsScored() {
    return scored.get();
  }

  /** Cells whose handling failed (logged with the cell id). */
  public long cellsFailed() {
    return failed.get();
  }

  /** How long after a completion the cell is built: the tracker's grace, its flush period and a margin. */
  static final Duration GENEALOGY_SETTLE =
      UnitTracker.GRACE.plusSeconds(2);

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(org.pilotline.acquisition.Addresses.CELL_COMPLETED,
        msg -> accept(msg.body()));
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void accept(JsonObject body) {
    String cellId = body == null ? null : body.getString("cellId");
    if (cellId == null || cellId.isBlank()) {
      LOG.warn("cell completion without a cellId ignored: body={}", body);
      return;
    }
    // The cell's genealogy may still be undecided when it completes: the tracker links a cell to
    // the roll still feeding the stacker only after UnitTracker.GRACE (flushed every second). A
    // vector built before that has no roll or lot windows; at timeScale 20 that was most cells.
    vertx.setTimer(GENEALOGY_SETTLE.toMillis(), t -> score(cellId));
  }

  private void score(String cellId) {
    vertx.executeBlocking(() -> handle(cellId)).onComplete(ar -> {
      if (ar.failed()) {
        failed.incrementAndGet();
        LOG.error("scoring failed: cell={}, reason={}", cellId, ar.cause().toString(), ar.cause());
        return;
      }
      Outcome outcome = ar.result();
      publish(outcome);
      scored.incrementAndGet();
      if (outcome.waitingForModel() >= 0) {
        maybeAutoTrain(outcome.waitingForModel(), outcome.newestCompletion());
      }
    });
  }

  private void publish(Outcome outcome) {
    outcome.verdict().ifPresent(v -> verdicts.incrementAndGet());
    JsonArray imputed = new JsonArray(new ArrayList<Object>(outcome.imputed()));
    for (Anomaly a : outcome.newAnomalies()) {
      vertx.eventBus().publish(Addresses.ANOMALIES,
          AnomalyJson.toJson(a).put("imputedFeatures", imputed));
    }
    outcome.verdict().ifPresent(v -> vertx.eventBus().publish(Addresses.VERDICTS,
        AnomalyJson.toJson(v).put("imputedFeatures", imputed)));
  }

  private void maybeAutoTrain(int storedCells, Instant newestCompletion) {
    if (autoTrainer == null || training || storedCells < nextAttemptAt) {
      return;
    }
    training = true;
    int schemaVersion = source.schemaVersion();
    // Every stored cell: completion times are the equipment's clock, not ours. The end is exclusive.
    Instant to = newestCompletion.plusNanos(1000);
    LOG.info("auto-training: no active model and {} cells with features (analytics.autoTrainAfterCells={});"
        + " training both models in the background: schemaVersion={}", storedCells,
        autoTrainAfterCells, schemaVersion);
    int[] lastLogged = {-1};
    MessageConsumer<JsonObject> progress = vertx.eventBus().consumer(Addresses.TRAINING_PROGRESS, m -> {
      JsonObject p = m.body();
      lastTraining = p.copy();
      int percent = p.getInteger("percent", 0);
      // every 10 % and the end: enough to follow, not a line per tree
      if (percent / 10 > lastLogged[0] / 10 || percent == 100 && lastLogged[0] != 100) {
        lastLogged[0] = percent;
        long eta = p.getLong("etaMillis", -1L);
        LOG.info("auto-training progress: percent={}, phase={}, elapsedMs={}, etaMs={}", percent,
            p.getString("phase"), p.getLong("elapsedMillis"), eta < 0 ? "?" : eta);
      }
    });
    autoTrainer.trainAsync(vertx, schemaVersion, Instant.EPOCH, to, true)
        .eventually(progress::unregister)
        .onSuccess(report -> {
          LOG.info("auto-training done: cells={}, excluded={}, versions={}, millis={}; backfilling"
              + " the cells completed before it", report.trainingCells(), report.excluded().size(),
              report.versions().stream().map(v -> v.kind() + " v" + v.version()).toList(),
              report.millis());
          backfill(schemaVersion);
        })
        .onFailure(e -> {
          training = false;
          nextAttemptAt = storedCells + autoTrainAfterCells;
          LOG.error("auto-training failed; cells stay unscored, next attempt at {} stored cells"
              + " (or run Launcher train): reason={}", nextAttemptAt, e.getMessage());
        });
  }

  /** In the ordered queue, so that it runs after every cell that arrived before it. */
  private void backfill(int schemaVersion) {
    vertx.executeBlocking(() -> {
      List<Outcome> outcomes = new ArrayList<>();
      for (String cellId : backlog.unscored(schemaVersion)) {
        try {
          outcomes.add(handle(cellId));
        } catch (RuntimeException e) {
          failed.incrementAndGet();
          LOG.error("backfill scoring failed: cell={}, reason={}", cellId, e.toString());
        }
      }
      return outcomes;
    }).onComplete(ar -> {
      training = false;
      if (ar.failed()) {
        LOG.error("backfill failed: reason={}", ar.cause().toString(), ar.cause());
        return;
      }
      ar.result().forEach(this::publish);
      backfilled.addAndGet(ar.result().size());
      long nok = ar.result().stream().filter(o -> o.verdict().map(v -> !v.ok()).orElse(false)).count();
      LOG.info("backfill done: cells={}, nok={}", ar.result().size(), nok);
    });
  }

  /** What scoring one cell produced, to publish on the event loop. */
  private record Outcome(List<Anomaly> newAnomalies, Optional<CellVerdict> verdict,
      List<String> imputed, int waitingForModel, Instant newestCompletion) {
    static final Outcome NOTHING = new Outcome(List.of(), Optional.empty(), List.of(), -1, null);
  }

  private Outcome handle(String cellId) {
    Optional<FeatureVector> built = source.build(cellId);
    if (built.isEmpty()) {
      LOG.warn("completed cell has no feature vector (unknown or unfinished); not scored: cell={}",
          cellId);
      return Outcome.NOTHING;
    }
    FeatureVector vector = built.get();
    store.save(vector);
    refreshModels();
    if (models.isEmpty()) {
      if (autoTrainer != null) {
        warnOnce("none", "no active model: finished cells are stored, and scored once {} of them"
            + " have trained the first models (analytics.autoTrainAfterCells)", autoTrainAfterCells);
        return new Outcome(List.of(), Optional.empty(), List.of(),
            backlog.cellsWithFeatures(vector.schemaVersion()),
            backlog.newestCompletion(vector.schemaVersion()).orElse(vector.completedAt()));
      }
      warnOnce("none", "no active model: finished cells are stored but not scored until a model"
          + " is trained (Launcher train)");
      return Outcome.NOTHING;
    }
    List<String> stations = List.of();
    if (backlog != null) {
      stations = backlog.stations(cellId);
      if (stations.isEmpty()) {
        stations = lineRoute;
      }
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // what timestamptz keeps
    List<Anomaly> fresh = new ArrayList<>();
    Set<String> imputed = new java.util.LinkedHashSet<>();
    CellVerdict verdict = null;
    for (RegisteredModel m : models.values()) {
      ModelKind kind = m.version().kind();
      int version = m.version().version();
      if (m.version().featureSchemaVersion() != vector.schemaVersion()) {
        warnOnce("schema " + kind + version, "model not scored: kind={}, version={}, "
            + "modelSchemaVersion={}, cellSchemaVersion={}; train on the current schema", kind,
            version, m.version().featureSchemaVersion(), vector.schemaVersion());
        continue;
      }
      Imputation.Prepared input = m.imputation().apply(vector.names(), vector.values());
      imputed.addAll(input.imputed());
      AnomalyScore s = m.model().score(input.values());
      Anomaly anomaly = null;
      // Only the verdict model raises anomalies: one flag per model would double the engineer's
      // queue for one cell, and the models' false-alarm rates differ by data (docs/ANALYTICS.md).
      if (s.flagged() && kind == verdictKind) {
        anomaly = ledger.record(Anomaly.openOnCell(cellId, kind.name(), version, now, s.score(),
            s.threshold(), s.contributions()));
        if (anomaly.detectedAt().equals(now)) {
          fresh.add(anomaly);
        }
      }
      if (kind == verdictKind) {
        verdict = new CellVerdict(cellId, vector.completedAt(), now, !s.flagged(), kind.name(),
            version, s.score(), s.threshold(), s.topFeature(),
            anomaly == null ? null : anomaly.id(), stations);
        ledger.recordVerdict(verdict);
      }
    }
    if (verdict == null) {
      warnOnce("verdict", "no verdict recorded: the verdict model is not active (or not on this"
          + " feature schema): verdictModel={}, active={}", verdictKind, models.keySet());
    }
    return new Outcome(fresh, Optional.ofNullable(verdict), List.copyOf(imputed), -1, null);
  }

  private void refreshModels() {
    Map<ModelKind, Integer> active = registry.activeVersions();
    activeVersions = Map.copyOf(active);
    models.keySet().removeIf(kind -> !active.containsKey(kind));
    for (Map.Entry<ModelKind, Integer> e : active.entrySet()) {
      RegisteredModel current = models.get(e.getKey());
      if (current == null || current.version().version() != e.getValue()) {
        registry.active(e.getKey()).ifPresentOrElse(m -> {
          models.put(e.getKey(), m);
          LOG.info("scoring with model: kind={}, version={}, schemaVersion={}, features={}",
              e.getKey(), m.version().version(), m.version().featureSchemaVersion(),
              m.imputation().features().size());
        }, () -> models.remove(e.getKey()));
      }
    }
  }

  private void warnOnce(String key, String message, Object... args) {
    if (warned.add(key)) {
      LOG.warn(message, args);
    }
  }
}
