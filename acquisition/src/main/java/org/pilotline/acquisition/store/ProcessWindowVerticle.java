package org.pilotline.acquisition.store;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.CellEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records process windows and genealogy from {@link Addresses#CELL_EVENTS}.
 *
 * <p>Events are turned into commands by a {@link UnitTracker} on the event loop (pure, cheap),
 * and the commands are applied by {@link JdbcUnitStore} in one ordered {@code executeBlocking}
 * queue, so the database sees them in arrival order without blocking the event loop. A failed
 * apply is retried a few times with back-off, holding back the commands behind it; if it still
 * fails the commands are logged and counted as lost.
 *
 * <p>Windows left open by a previous run are not touched at start: the first event for that slot
 * either closes them (another unit arrived, at its time) or continues them (the same unit is
 * still there). A slot that never reports again keeps its window open; the open end is the
 * truth as far as the system knows.
 */
public final class ProcessWindowVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessWindowVerticle.class);
  private static final int ATTEMPTS = 5;
  private static final long FIRST_BACKOFF_MS = 200;

  private final JdbcUnitStore store;
  private final UnitTracker tracker = new UnitTracker();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private MessageConsumer<CellEvent> consumer;
  private long flushTimer = -1;

  public ProcessWindowVerticle(JdbcUnitStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Events received so far. */
  public long eventsReceived() {
    return events.get();
  }

  /** Events whose commands are committed. */
  public long eventsApplied() {
    return applied.get();
  }

  /** Events whose commands could not be stored after all retries. */
  public long eventsLost() {
    return lost.get();
  }

  @Override
  public Future<?> start() {
    LocalCodecs.register(vertx.eventBus());
    consumer = vertx.eventBus().consumer(Addresses.CELL_EVENTS, msg -> accept(msg.body()));
    // Genealogy pairs that no later change decides are confirmed once the tracker's grace passes.
    flushTimer = vertx.setPeriodic(1_000, id -> submit(null, tracker.flush()));
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    // Commands already queued on the ordered executeBlocking queue still run.
    vertx.cancelTimer(flushTimer);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void accept(CellEvent event) {
    events.incrementAndGet();
    List<UnitCommand> commands;
    try {
      commands = tracker.accept(event);
    } catch (RuntimeException e) {
      lost.incrementAndGet();
      LOG.error("cell event not understood: event={}, cause={}", event, e.toString(), e);
      return;
    }
    if (commands.isEmpty()) {
      applied.incrementAndGet();
      return;
    }
    submit(event, commands);
  }

  /** Queues commands on the one ordered blocking queue; {@code event} is null for a flush. */
  private void submit(CellEvent event, List<UnitCommand> commands) {
    if (commands.isEmpty()) {
      return;
    }
    vertx.executeBlocking(() -> {
      applyWithRetry(event, commands);
      return null;
    }, true);
  }

  private void applyWithRetry(CellEvent event, List<UnitCommand> commands) throws InterruptedException {
    long backoffMs = FIRST_BACKOFF_MS;
    for (int attempt = 1; ; attempt++) {
      try {
        store.apply(commands);
        if (event != null) {
          applied.incrementAndGet();
        }
        return;
      } catch (Exception e) {
        if (attempt >= ATTEMPTS) {
          if (event != null) {
            lost.incrementAndGet();
          }
          LOG.error("unit commands lost: event={}, commands={}, attempts={}, cause={}",
              event, commands, attempt, e.toString(), e);
          return;
        }
        LOG.warn("unit commands failed, will retry: event={}, attempt={}, retryInMs={}, cause={}",
            event == null ? "genealogy flush" : event, attempt, backoffMs, e.toString());
        Thread.sleep(backoffMs);
        backoffMs *= 2;
      }
    }
  }
}
