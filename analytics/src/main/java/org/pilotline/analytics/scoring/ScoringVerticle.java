package org.pilotline.analytics.scoring;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
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
  private final AtomicLong scored = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  // Touched only inside the ordered blocking queue: one thread at a time.
  private final Map<ModelKind, RegisteredModel> models = new EnumMap<>(ModelKind.class);
  private final Set<String> warned = new HashSet<>();
  private MessageConsumer<JsonObject> consumer;

  public ScoringVerticle(CellFeatureSource source, FeatureStore store, ModelRegistry registry,
      AnomalyLedger ledger, ModelKind verdictKind, Clock clock) {
    this.source = Objects.requireNonNull(source, "source");
    this.store = Objects.requireNonNull(store, "store");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.verdictKind = Objects.requireNonNull(verdictKind, "verdictKind");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Cells handled to the end (stored, and scored where a model was active). */
  public long cellsScored() {
    return scored.get();
  }

  /** Cells whose handling failed (logged with the cell id). */
  public long cellsFailed() {
    return failed.get();
  }

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
    vertx.executeBlocking(() -> handle(cellId)).onComplete(ar -> {
      if (ar.failed()) {
        failed.incrementAndGet();
        LOG.error("scoring failed: cell={}, reason={}", cellId, ar.cause().toString(), ar.cause());
        return;
      }
      Outcome outcome = ar.result();
      JsonArray imputed = new JsonArray(new ArrayList<Object>(outcome.imputed()));
      for (Anomaly a : outcome.newAnomalies()) {
        vertx.eventBus().publish(Addresses.ANOMALIES,
            AnomalyJson.toJson(a).put("imputedFeatures", imputed));
      }
      outcome.verdict().ifPresent(v -> vertx.eventBus().publish(Addresses.VERDICTS,
          AnomalyJson.toJson(v).put("imputedFeatures", imputed)));
      scored.incrementAndGet();
    });
  }

  /** What scoring one cell produced, to publish on the event loop. */
  private record Outcome(List<Anomaly> newAnomalies, Optional<CellVerdict> verdict,
      List<String> imputed) {
    static final Outcome NOTHING = new Outcome(List.of(), Optional.empty(), List.of());
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
      warnOnce("none", "no active model: finished cells are stored but not scored until a model"
          + " is trained (Launcher train)");
      return Outcome.NOTHING;
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
      if (s.flagged()) {
        anomaly = ledger.record(Anomaly.openOnCell(cellId, kind.name(), version, now, s.score(),
            s.threshold(), s.contributions()));
        if (anomaly.detectedAt().equals(now)) {
          fresh.add(anomaly);
        }
      }
      if (kind == verdictKind) {
        verdict = new CellVerdict(cellId, vector.completedAt(), now, !s.flagged(), kind.name(),
            version, s.score(), s.threshold(), s.topFeature(),
            anomaly == null ? null : anomaly.id(), List.of());
        ledger.recordVerdict(verdict);
      }
    }
    if (verdict == null) {
      warnOnce("verdict", "no verdict recorded: the verdict model is not active (or not on this"
          + " feature schema): verdictModel={}, active={}", verdictKind, models.keySet());
    }
    return new Outcome(fresh, Optional.ofNullable(verdict), List.copyOf(imputed));
  }

  private void refreshModels() {
    Map<ModelKind, Integer> active = registry.activeVersions();
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
