package org.pilotline.acquisition.store;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes {@link ReadingBatch}es off {@link Addresses#READINGS} and makes them durable through a
 * {@link ReadingSink}, in batches of {@code batchRows} or every {@code flushMs}, whichever first.
 *
 * <p>The event-loop side only offers readings to a bounded queue; when it is full the readings
 * are dropped and counted (a disk spool is to take them later). One dedicated platform thread
 * drains the queue and writes. A thread of its own rather than {@code executeBlocking}: it waits
 * on the queue with a timeout (the flush interval), sleeps through retry back-off while the
 * database is away, and does both without holding a thread of Vert.x's shared worker pool.
 *
 * <p>A failed write is logged, counted and retried with back-off (100 ms doubling to 5 s) with
 * the same batch; new readings queue behind it until the queue is full. {@link #stop()} stops
 * taking readings and flushes what is queued for at most {@link #STOP_FLUSH_TIMEOUT}.
 */
public final class ReadingWriterVerticle extends VerticleBase {
  /** How long {@link #stop()} keeps writing what is queued. */
  public static final Duration STOP_FLUSH_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(ReadingWriterVerticle.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;
  private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long IDLE_POLL_MS = 100;

  private final ReadingSink sink;
  private final WriterConfig config;
  private final BlockingQueue<Reading> queue;
  private final Semaphore wake = new Semaphore(0);
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong committed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong commitErrors = new AtomicLong();
  private final AtomicLong droppedSinceLog = new AtomicLong();
  private volatile Instant lastCommit;
  private volatile int inFlight;
  private volatile boolean running;
  private volatile long stopDeadlineNanos;
  private long lastDropLogNanos;
  private Thread writer;
  private MessageConsumer<ReadingBatch> consumer;

  public ReadingWriterVerticle(ReadingSink sink, WriterConfig config) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.config = Objects.requireNonNull(config, "config");
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
  }

  /** The counters now; safe to call from any thread. */
  public WriterMetrics metrics() {
    return new WriterMetrics(received.get(), committed.get(), dropped.get(), rejected.get(),
        queue.size() + inFlight, lastCommit, commitErrors.get());
  }

  @Override
  public Future<?> start() {
    LocalCodecs.register(vertx.eventBus());
    running = true;
    writer = new Thread(this::drainLoop, "pilotline-reading-writer");
    writer.setDaemon(true);
    writer.start();
    consumer = vertx.eventBus().consumer(Addresses.READINGS, msg -> accept(msg.body()));
    LOG.info("reading writer started: batchRows={}, flushMs={}, queueCapacity={}",
        config.batchRows(), config.flushMs(), config.queueCapacity());
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.eventually(() -> vertx.executeBlocking(() -> {
      stopDeadlineNanos = System.nanoTime() + STOP_FLUSH_TIMEOUT.toNanos();
      running = false;
      wake.release();
      writer.join(STOP_FLUSH_TIMEOUT.toMillis() + 1_000);
      WriterMetrics m = metrics();
      if (m.queueDepth() > 0) {
        LOG.warn("reading writer stopped with readings unwritten: unwritten={}, committed={},"
            + " dropped={}", m.queueDepth(), m.committed(), m.dropped());
      } else {
        LOG.info("reading writer stopped: received={}, committed={}, dropped={}, rejected={},"
            + " commitErrors={}", m.received(), m.committed(), m.dropped(), m.rejected(),
            m.commitErrors());
      }
      return null;
    }, false));
  }

  private void accept(ReadingBatch batch) {
    List<Reading> readings = batch.readings();
    received.addAndGet(readings.size());
    int lost = 0;
    for (Reading r : readings) {
      if (!PgCopyEncoder.encodable(r)) {
        rejected.incrementAndGet();
        LOG.warn("reading rejected: equipment={}, reading={}, reason=out of PostgreSQL range",
            batch.equipmentId(), r);
      } else if (!queue.offer(r)) {
        lost++;
      }
    }
    if (lost > 0) {
      dropped.addAndGet(lost);
      long since = droppedSinceLog.addAndGet(lost);
      long now = System.nanoTime();
      if (lastDropLogNanos == 0 || now - lastDropLogNanos >= DROP_LOG_INTERVAL_NANOS) {
        lastDropLogNanos = now;
        droppedSinceLog.addAndGet(-since);
        LOG.warn("reading queue full, readings dropped: equipment={}, droppedSinceLastLog={},"
            + " droppedTotal={}, queueCapacity={}", batch.equipmentId(), since, dropped.get(),
            config.queueCapacity());
      }
    }
  }

  private void drainLoop() {
    List<Reading> batch = new ArrayList<>(config.batchRows());
    long backoffMs = MIN_BACKOFF_MS;
    while (true) {
      boolean stopping = !running;
      if (stopping && (System.nanoTime() - stopDeadlineNanos > 0
          || (batch.isEmpty() && queue.isEmpty()))) {
        return;
      }
      try {
        if (batch.isEmpty() && !fill(batch)) {
          continue;
        }
        inFlight = batch.size();
        try {
          sink.write(batch);
          committed.addAndGet(batch.size());
          lastCommit = Instant.now();
          batch = new ArrayList<>(config.batchRows());
          inFlight = 0;
          backoffMs = MIN_BACKOFF_MS;
        } catch (Exception e) {
          commitErrors.incrementAndGet();
          if (backoffMs == MIN_BACKOFF_MS) {
            LOG.warn("reading batch write failed, will retry: rows={}, retryInMs={}, queued={},"
                + " cause={}", batch.size(), backoffMs, queue.size(), e.toString(), e);
          } else {
            // same outage: the stack trace was logged at its first failure
            LOG.warn("reading batch write failed again, will retry: rows={}, retryInMs={},"
                + " queued={}, cause={}", batch.size(), backoffMs, queue.size(), e.toString());
          }
          // wakes early when stop() is called, so a stop is not held up by the back-off
          wake.tryAcquire(backoffMs, TimeUnit.MILLISECONDS);
          backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("reading writer interrupted: unwritten={}", batch.size() + queue.size());
        return;
      }
    }
  }

  /** Waits for readings and collects one batch; false when none came within the idle poll. */
  private boolean fill(List<Reading> batch) throws InterruptedException {
    Reading first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
    if (first == null) {
      return false;
    }
    batch.add(first);
    inFlight = batch.size();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.flushMs());
    long sliceNanos = TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MS);
    while (batch.size() < config.batchRows()) {
      queue.drainTo(batch, config.batchRows() - batch.size());
      inFlight = batch.size();
      long waitNanos = deadline - System.nanoTime();
      if (batch.size() >= config.batchRows() || waitNanos <= 0 || !running) {
        break;
      }
      // waits in slices so that a stop() is noticed even with a long flush interval
      Reading next = queue.poll(Math.min(waitNanos, sliceNanos), TimeUnit.NANOSECONDS);
      if (next != null) {
        batch.add(next);
        inFlight = batch.size();
      }
    }
    return true;
  }
}
