package org.pilotline.analytics.spcstream;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.Quality;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.store.TrendPoint;
import org.pilotline.analytics.spc.ControlLimits;
import org.pilotline.analytics.spc.LimitSource;
import org.pilotline.analytics.spc.SpcAlarm;
import org.pilotline.analytics.spc.TagSpcProcessor;
import org.pilotline.analytics.spc.TagSpcSettings;
import org.pilotline.analytics.spc.WindowCapability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPC on the reading streams: listens to {@link Addresses#READINGS} beside the writer, runs one
 * {@link TagSpcProcessor} per configured tag, writes violations to {@code spc_violation} and
 * publishes them as JSON ({@link SpcViolationJson}) on
 * {@link org.pilotline.analytics.Addresses#SPC_VIOLATIONS}.
 *
 * <ul>
 *   <li>Readings of Bad quality, without a value, or with NaN or an infinity are skipped and
 *       counted; Good and Uncertain values are used.</li>
 *   <li>Processing is on the event loop (a few comparisons per reading); violations are written
 *       in batches, every {@code flushMs} or at {@code batchRows}, by one ordered
 *       {@code executeBlocking} queue, retried with back-off, then published once committed.
 *       The store skips rows it already has, so a replayed stream publishes nothing twice.</li>
 *   <li>Cpk/Ppk are recomputed every {@link SpcConfig#capabilityRefreshMs()} into a table that
 *       {@link #capabilities()} returns from any thread.</li>
 * </ul>
 */
public final class SpcVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SpcVerticle.class);
  private static final int ATTEMPTS = 5;
  private static final long FIRST_BACKOFF_MS = 200;
  /** Violations held while the database is away; beyond this the oldest are dropped (counted lost). */
  static final int MAX_PENDING = 10_000;

  private final SpcConfig config;
  private final Map<String, Integer> tagIds;
  private final SpcViolationStore store;
  private final BaselineSource baselines;
  private final Clock clock;
  private final long flushMs;
  private final int batchRows;
  private final Map<Integer, TagSpcProcessor> processors = new HashMap<>();
  private final Map<Integer, String> keys = new HashMap<>();
  private final Map<String, WindowCapability> capabilities = new ConcurrentHashMap<>();
  private final ArrayDeque<SpcViolation> pending = new ArrayDeque<>();
  private final AtomicLong readings = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong late = new AtomicLong();
  private final AtomicLong alarms = new AtomicLong();
  private final AtomicLong heldBack = new AtomicLong();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong pendingCount = new AtomicLong();
  private MessageConsumer<ReadingBatch> consumer;
  private long flushTimer = -1;
  private long capabilityTimer = -1;
  private Future<Void> lastWrite = Future.succeededFuture();

  /**
   * @param config the tags and their settings
   * @param tagIds tag key to database id, as {@code JdbcTagRegistry.register} returns it
   * @param store where violations go
   * @param baselines stored readings, for tags whose limits come from a stored window
   * @param flushMs the longest a violation waits to be written, &gt; 0
   * @param batchRows violations that trigger a write before {@code flushMs}, &gt; 0
   */
  public SpcVerticle(SpcConfig config, Map<String, Integer> tagIds, SpcViolationStore store,
      BaselineSource baselines, Clock clock, long flushMs, int batchRows) {
    this.config = Objects.requireNonNull(config, "config");
    this.tagIds = Map.copyOf(tagIds);
    this.store = Objects.requireNonNull(store, "store");
    this.baselines = Objects.requireNonNull(baselines, "baselines");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (flushMs < 1 || batchRows < 1) {
      throw new IllegalArgumentException("flushMs and batchRows must be > 0");
    }
    this.flushMs = flushMs;
    this.batchRows = batchRows;
  }

  /** With the defaults: a write every 500 ms or 500 violations. */
  public SpcVerticle(SpcConfig config, Map<String, Integer> tagIds, SpcViolationStore store,
      BaselineSource baselines) {
    this(config, tagIds, store, baselines, Clock.systemUTC(), 500, 500);
  }

  @Override
  public Future<?> start() {
    for (TagSpcSettings s : config.tags()) {
      if (!tagIds.containsKey(s.tagKey())) {
        return Future.failedFuture(new IllegalStateException(
            "SPC tag not registered in the database: " + s.tagKey()));
      }
    }
    return vertx.executeBlocking(this::resolveStoredBaselines).compose(resolved -> {
      for (TagSpcSettings s : resolved) {
        int id = tagIds.get(s.tagKey());
        processors.put(id, new TagSpcProcessor(s));
        keys.put(id, s.tagKey());
      }
      LocalCodecs.register(vertx.eventBus());
      consumer = vertx.eventBus().consumer(Addresses.READINGS, msg -> accept(msg.body()));
      flushTimer = vertx.setPeriodic(flushMs, t -> flush());
      capabilityTimer = vertx.setPeriodic(config.capabilityRefreshMs(), t -> refreshCapabilities());
      long charted = resolved.stream().filter(TagSpcSettings::charted).count();
      LOG.info("spc started: chartedTags={}, capabilityTags={}, flushMs={}", charted,
          resolved.stream().filter(TagSpcSettings::hasCapability).count(), flushMs);
      return consumer.completion();
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(flushTimer);
    vertx.cancelTimer(capabilityTimer);
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    // What is pending is written before the verticle is gone.
    return unregistered.compose(v -> {
      flush();
      return lastWrite;
    });
  }

  /** Limits from stored windows, computed before the first reading is taken. */
  private List<TagSpcSettings> resolveStoredBaselines() throws Exception {
    List<TagSpcSettings> out = new ArrayList<>();
    for (TagSpcSettings s : config.tags()) {
      if (s.limits() instanceof LimitSource.StoredWindow w) {
        List<TrendPoint> history = baselines.readings(tagIds.get(s.tagKey()), w.from(), w.to());
        List<java.time.Instant> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (TrendPoint p : history) {
          if (Quality.of(p.qualityCode()) != Quality.BAD && p.value() != null && Double.isFinite(p.value())) {
            times.add(p.ts());
            values.add(p.value());
          }
        }
        ControlLimits limits;
        try {
          limits = TagSpcProcessor.baselineOf(s.subgrouping(), times,
              values.stream().mapToDouble(Double::doubleValue).toArray());
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("SPC tag " + s.tagKey() + ": stored baseline " + w.from()
              + " to " + w.to() + " gives no limits (" + values.size() + " usable readings): "
              + e.getMessage(), e);
        }
        LOG.info("spc stored baseline: tag={}, from={}, to={}, readings={}, center={}, sigma={}",
            s.tagKey(), w.from(), w.to(), values.size(), limits.center(), limits.sigma());
        out.add(s.withLimits(new LimitSource.Given(limits)));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  private void accept(ReadingBatch batch) {
    for (Reading r : batch.readings()) {
      TagSpcProcessor p = processors.get(r.tagId());
      if (p == null) {
        continue;
      }
      readings.incrementAndGet();
      Double v = r.value();
      if (v == null || !Double.isFinite(v) || r.quality() == Quality.BAD) {
        skipped.incrementAndGet();
        continue;
      }
      long lateBefore = p.late();
      long heldBefore = p.suppressed();
      List<SpcAlarm> raised = p.accept(r.sourceTime(), v);
      late.addAndGet(p.late() - lateBefore);
      heldBack.addAndGet(p.suppressed() - heldBefore);
      for (SpcAlarm a : raised) {
        alarms.incrementAndGet();
        if (pending.size() >= MAX_PENDING) {
          SpcViolation dropped = pending.pollFirst();
          lost.incrementAndGet();
          LOG.error("spc violation dropped, too many waiting for the database: tag={}, rule={}, ts={}",
              dropped.tagKey(), dropped.alarm().rule(), dropped.alarm().time());
        }
        pending.addLast(new SpcViolation(null, r.tagId(), keys.get(r.tagId()), a, clock.instant()));
      }
    }
    pendingCount.set(pending.size());
    if (pending.size() >= batchRows) {
      flush();
    }
  }

  /** Hands what is pending to the ordered write queue. */
  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<SpcViolation> batch = new ArrayList<>(pending);
    pending.clear();
    pendingCount.set(0);
    lastWrite = vertx.executeBlocking(() -> writeWithRetry(batch), true)
        .map(added -> {
          publish(added);
          return (Void) null;
        })
        .recover(e -> {
          LOG.error("spc violations not stored: count={}, cause={}", batch.size(), e.toString(), e);
          return Future.succeededFuture();
        });
  }

  private List<SpcViolation> writeWithRetry(List<SpcViolation> batch) throws InterruptedException {
    long backoffMs = FIRST_BACKOFF_MS;
    for (int attempt = 1; ; attempt++) {
      try {
        List<SpcViolation> added = store.store(batch);
        stored.addAndGet(added.size());
        duplicates.addAndGet(batch.size() - added.size());
        return added;
      } catch (Exception e) {
        if (attempt >= ATTEMPTS) {
          lost.addAndGet(batch.size());
          LOG.error("spc violations lost after retries, published without id: count={}, attempts={}, cause={}",
              batch.size(), attempt, e.toString(), e);
          // The operator still sees them live; the id is null because there is no row.
          return batch;
        }
        LOG.warn("spc violations not stored, will retry: count={}, attempt={}, retryInMs={}, cause={}",
            batch.size(), attempt, backoffMs, e.toString());
        // Back-off on the worker thread, not synchronisation: the event loop is never held.
        Thread.sleep(backoffMs);
        backoffMs *= 2;
      }
    }
  }

  private void publish(List<SpcViolation> added) {
    for (SpcViolation v : added) {
      LOG.info("spc violation: tag={}, rule={}, ts={}, value={}, id={}", v.tagKey(), v.alarm().rule(),
          v.alarm().time(), v.alarm().value(), v.id());
      vertx.eventBus().publish(org.pilotline.analytics.Addresses.SPC_VIOLATIONS, SpcViolationJson.toJson(v));
    }
  }

  private void refreshCapabilities() {
    processors.values().forEach(p -> p.capability().ifPresentOrElse(
        c -> capabilities.put(c.tagKey(), c), () -> capabilities.remove(p.settings().tagKey())));
  }

  /**
   * The Cpk/Ppk table as last refreshed: one entry per tag with spec limits whose window has at
   * least two values with some variation, by tag key. Safe from any thread.
   */
  public List<WindowCapability> capabilities() {
    return capabilities.values().stream().sorted(Comparator.comparing(WindowCapability::tagKey)).toList();
  }

  /** Recomputes the Cpk/Ppk table now, on the verticle's context (tests, an HMI refresh button). */
  public Future<List<WindowCapability>> refreshCapabilitiesAsync() {
    Promise<List<WindowCapability>> done = Promise.promise();
    context.runOnContext(v -> {
      refreshCapabilities();
      done.complete(capabilities());
    });
    return done.future();
  }

  /** Counters since start; safe from any thread. */
  public SpcMetrics metrics() {
    return new SpcMetrics(readings.get(), skipped.get(), late.get(), alarms.get(), heldBack.get(),
        stored.get(), duplicates.get(), lost.get(), pendingCount.get());
  }
}
