package org.pilotline.acquisition.store;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.UnitKind;
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
 *
 * <p>When a cell's window at the completion station (the route's last station) has been closed
 * and committed, {@link Addresses#CELL_COMPLETED} is published, so that whoever builds features
 * from the database finds the window there. A command batch applied again (a retry) publishes
 * again: listeners must treat a completion as idempotent.
 */
public final class ProcessWindowVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessWindowVerticle.class);
  private static final int ATTEMPTS = 5;
  private static final long FIRST_BACKOFF_MS = 200;

  private final JdbcUnitStore store;
  private final String completionStation;
  private final UnitTracker tracker = new UnitTracker();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private MessageConsumer<CellEvent> consumer;
  private long flushTimer = -1;

  /** A verticle that publishes no completions. */
  public ProcessWindowVerticle(JdbcUnitStore store) {
    this(store, null);
  }

  /**
   * @param completionStation the station whose CELL window closing means the cell finished its
   *     route (the line's last route station), or null to publish no completions
   */
  public ProcessWindowVerticle(JdbcUnitStore store, String completionStation) {
    this.store = Objects.requireNonNull(store, "store");
    this.completionStation = completionStation;
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
    vertx.executeBlocking(() -> applyWithRetry(event, commands), true)
        .onSuccess(stored -> {
          if (stored) {
            publishCompletions(commands);
          }
        });
  }

  /** Publishes a completion for every cell whose window at the completion station closed. */
  private void publishCompletions(List<UnitCommand> commands) {
    if (completionStation == null) {
      return;
    }
    for (UnitCommand command : commands) {
      if (command instanceof UnitCommand.CloseWindow w && w.kind() == UnitKind.CELL
          && w.station().equals(completionStation)) {
        vertx.eventBus().publish(Addresses.CELL_COMPLETED,
            new JsonObject().put("cellId", w.unitId()).put("completedAt", asStored(w.end()).toString()));
      }
    }
  }

  /**
   * The instant as {@code timestamptz} keeps it: OPC UA times have 100 ns steps, the database
   * microseconds (pgjdbc rounds half up), and a completion must name the end that was stored.
   */
  static Instant asStored(Instant t) {
    return t.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
  }

  /** @return whether the commands were stored */
  private boolean applyWithRetry(CellEvent event, List<UnitCommand> commands) throws InterruptedException {
    long backoffMs = FIRST_BACKOFF_MS;
    for (int attempt = 1; ; attempt++) {
      try {
        store.apply(commands);
        if (event != null) {
          applied.incrementAndGet();
        }
        return true;
      } catch (Exception e) {
        if (attempt >= ATTEMPTS) {
          if (event != null) {
            lost.incrementAndGet();
          }
          LOG.error("unit commands lost: event={}, commands={}, attempts={}, cause={}",
              event, commands, attempt, e.toString(), e);
          return false;
        }
        LOG.warn("unit commands failed, will retry: event={}, attempt={}, retryInMs={}, cause={}",
            event == null ? "genealogy flush" : event, attempt, backoffMs, e.toString());
        Thread.sleep(backoffMs);
        backoffMs *= 2;
      }
    }
  }
}
