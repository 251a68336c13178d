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
import org.pilotline.acquisition.store.spool.ReadingSpool;
import org.pilotline.acquisition.store.spool.SpoolFullException;
import org.pilotline.acquisition.store.spool.SpoolMetrics;
import org.pilotline.acquisition.store.spool.SpoolRecord;
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
 *
 * <p><b>With a {@link ReadingSpool}</b> (store-and-forward) the memory queue is not used: each
 * batch is appended to the spool on arrival, and only then counts as accepted. The writer
 * thread reads the spool in order, commits a COPY together with the spool's mark (the last
 * sequence number in it, table {@code spool_commit}), and then advances the spool's own
 * checkpoint. At start, and after every failure, the mark is read back from the database and
 * batches at or below it are skipped: a crash between the database commit and the checkpoint
 * does not write a batch twice. While the database is away the spool grows on disk; at the cap
 * its full policy applies. {@link #stop()} leaves what it could not write in the spool, where the
 * next start finds it. See docs/RELIABILITY.md.
 *
 * <p><b>Quarantine.</b> A failure in which the sink says the database refuses the data itself
 * ({@link ReadingSink#refusesData}: a value out of range, a violated constraint), repeated
 * {@link #QUARANTINE_AFTER_ATTEMPTS} times in a row on the same batch, is not retried for ever:
 * the batch is written with {@link ReadingSink#writeQuarantining}, which stores what the
 * database accepts and sets the refused readings aside with the database's reason, in the same
 * transaction as the spool's mark. The readings behind it then flow again. Any other failure
 * (database unreachable, table missing) is retried for as long as it lasts.
 */
public final class ReadingWriterVerticle extends VerticleBase {
  /** How long {@link #stop()} keeps writing what is queued. */
  public static final Duration STOP_FLUSH_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(ReadingWriterVerticle.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;
  private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long IDLE_POLL_MS = 100;
  /**
   * Refusals of the same batch before it is quarantined: more than one, so that a refusal that
   * goes away (a constraint being migrated, a lock timeout mapped to a data error by a trigger)
   * costs a delay, not a quarantine; few, so that live data waits well under a second (100 ms +
   * 200 ms of back-off).
   */
  public static final int QUARANTINE_AFTER_ATTEMPTS = 3;
  private static final int QUARANTINE_LOG_SAMPLE = 3;

  private final ReadingSink sink;
  private final WriterConfig config;
  private final ReadingSpool spool;
  private final AtomicLong spoolRefused = new AtomicLong();
  private final BlockingQueue<Reading> queue;
  private final Semaphore wake = new Semaphore(0);
  // released by stop() only: appends must not cut a retry back-off short
  private final Semaphore stopSignal = new Semaphore(0);
  private final Semaphore syncStop = new Semaphore(0);
  private Thread syncer;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong committed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong commitErrors = new AtomicLong();
  private final AtomicLong quarantined = new AtomicLong();
  private final AtomicLong quarantineBatches = new AtomicLong();
  private volatile Instant lastQuarantine;
  // writer thread only: refusals of the batch now pending, in a row
  private int refusals;
  private final AtomicLong droppedSinceLog = new AtomicLong();
  private volatile Instant lastCommit;
  private volatile int inFlight;
  private volatile boolean running;
  private volatile long stopDeadlineNanos;
  private long lastDropLogNanos;
  private Thread writer;
  private MessageConsumer<ReadingBatch> consumer;

  /** A writer that buffers in memory only: what is queued is lost if the process dies. */
  public ReadingWriterVerticle(ReadingSink sink, WriterConfig config) {
    this(sink, config, null);
  }

  /**
   * A writer that makes every batch durable in {@code spool} before writing it to {@code sink};
   * {@code spool} may be null for memory only. The caller opens and closes the spool.
   */
  public ReadingWriterVerticle(ReadingSink sink, WriterConfig config, ReadingSpool spool) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.config = Objects.requireNonNull(config, "config");
    this.spool = spool;
    this.queue = new ArrayBlockingQueue<>(spool == null ? config.queueCapacity() : 1);
  }

  /**
   * The counters now; safe to call from any thread. With a spool, {@code dropped} counts the
   * readings refused by a full spool (stopAcquiring, or a disk error) and those deleted with its
   * oldest segment (dropOldest); {@code queueDepth} is the readings pending in the spool.
   */
  public WriterMetrics metrics() {
    if (spool != null) {
      SpoolMetrics m = spool.metrics();
      return new WriterMetrics(received.get(), committed.get(),
          dropped.get() + m.readingsDropped(), rejected.get(),
          (int) Math.min(Integer.MAX_VALUE, m.readingsPending()), lastCommit, commitErrors.get(),
          quarantined.get(), quarantineBatches.get(), lastQuarantine);
    }
    return new WriterMetrics(received.get(), committed.get(), dropped.get(), rejected.get(),
        queue.size() + inFlight, lastCommit, commitErrors.get(), quarantined.get(),
        quarantineBatches.get(), lastQuarantine);
  }

  /** The spool's fill and counters, or null without a spool. */
  public SpoolMetrics spoolMetrics() {
    return spool == null ? null : spool.metrics();
  }

  @Override
  public Future<?> start() {
    LocalCodecs.register(vertx.eventBus());
    running = true;
    writer = new Thread(spool == null ? this::drainLoop : this::spoolLoop, "pilotline-reading-writer");
    writer.setDaemon(true);
    writer.start();
    if (spool != null && spool.config().fsyncIntervalMs() > 0) {
      syncer = new Thread(this::syncLoop, "pilotline-spool-fsync");
      syncer.setDaemon(true);
      syncer.start();
    }
    consumer = vertx.eventBus().consumer(Addresses.READINGS, msg -> accept(msg.body()));
    LOG.info("reading writer started: batchRows={}, flushMs={}, queueCapacity={}, spool={}",
        config.batchRows(), config.flushMs(), config.queueCapacity(),
        spool == null ? "none (memory only)" : spool.config().dir());
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.eventually(() -> vertx.executeBlocking(() -> {
      stopDeadlineNanos = System.nanoTime() + STOP_FLUSH_TIMEOUT.toNanos();
      running = false;
      wake.release();
      stopSignal.release();
      writer.join(STOP_FLUSH_TIMEOUT.toMillis() + 1_000);
      stopSyncer();
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
    if (spool != null) {
      acceptIntoSpool(batch);
      return;
    }
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

  /**
   * Appends the batch to the spool, on the event loop: a write into the page cache, as a logger
   * does; the fsync runs on the writer thread (group commit every spool.fsyncIntervalMs).
   */
  private void acceptIntoSpool(ReadingBatch batch) {
    List<Reading> readings = batch.readings();
    received.addAndGet(readings.size());
    List<Reading> good = new ArrayList<>(readings.size());
    for (Reading r : readings) {
      if (PgCopyEncoder.encodable(r)) {
        good.add(r);
      } else {
        rejected.incrementAndGet();
        LOG.warn("reading rejected: equipment={}, reading={}, reason=out of PostgreSQL range",
            batch.equipmentId(), r);
      }
    }
    if (good.isEmpty()) {
      return;
    }
    try {
      spool.append(good);
      wake.release();
    } catch (SpoolFullException | java.io.IOException e) {
      dropped.addAndGet(good.size());
      long refused = spoolRefused.incrementAndGet();
      long now = System.nanoTime();
      if (lastDropLogNanos == 0 || now - lastDropLogNanos >= DROP_LOG_INTERVAL_NANOS) {
        lastDropLogNanos = now;
        LOG.error("spool refused a batch, readings dropped: equipment={}, rows={}, batchesRefused={},"
            + " cause={}", batch.equipmentId(), good.size(), refused, e.toString());
      }
    }
  }

  /**
   * Forces spool appends to disk every fsync interval. A thread of its own, not the writer's: a
   * COPY that hangs (a lock, a dead TCP peer) must not stretch the power-cut window.
   */
  private void syncLoop() {
    long intervalMs = spool.config().fsyncIntervalMs();
    long lastErrorLog = 0;
    while (true) {
      try {
        if (syncStop.tryAcquire(intervalMs, TimeUnit.MILLISECONDS)) {
          return;
        }
        spool.sync();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.io.IOException e) {
        long now = System.nanoTime();
        if (lastErrorLog == 0 || now - lastErrorLog >= DROP_LOG_INTERVAL_NANOS) {
          lastErrorLog = now;
          LOG.error("spool fsync failed: dir={}, cause={}", spool.config().dir(), e.toString(), e);
        }
      }
    }
  }

  private void stopSyncer() throws InterruptedException {
    if (syncer != null) {
      syncStop.release();
      syncer.join(5_000);
    }
  }

  /** The writer thread with a spool: read in order, commit with the mark, then checkpoint. */
  private void spoolLoop() {
    List<SpoolRecord> pendingWrite = new ArrayList<>();
    long dbSeq = -1;
    long backoffMs = MIN_BACKOFF_MS;
    while (true) {
      try {
        if (!running && (System.nanoTime() - stopDeadlineNanos > 0
            || (pendingWrite.isEmpty() && spool.metrics().recordsPending() == 0))) {
          spool.sync();
          return;
        }
        if (pendingWrite.isEmpty() && !fillFromSpool(pendingWrite)) {
          continue;
        }
        try {
          if (dbSeq < 0) {
            dbSeq = sink.committedSeq(spool.id());
            spool.commit(dbSeq);
          }
          long skipTo = dbSeq;
          List<Reading> rows = new ArrayList<>();
          int skipped = 0;
          for (SpoolRecord r : pendingWrite) {
            if (r.seq() <= skipTo) {
              skipped += r.readings().size();
            } else {
              rows.addAll(r.readings());
            }
          }
          if (skipped > 0) {
            LOG.info("spool replay skipped batches already committed: readings={}, upToSeq={}",
                skipped, skipTo);
          }
          long lastSeq = pendingWrite.get(pendingWrite.size() - 1).seq();
          inFlight = rows.size();
          if (lastSeq > skipTo) {
            writeOrQuarantine(rows, spool.id(), lastSeq);
            lastCommit = Instant.now();
            dbSeq = lastSeq;
          }
          pendingWrite.clear();
          inFlight = 0;
          backoffMs = MIN_BACKOFF_MS;
          spool.commit(lastSeq);
        } catch (Exception e) {
          commitErrors.incrementAndGet();
          // the failure may have come after the database committed: ask it again next time
          dbSeq = -1;
          if (countRefusal(e, pendingWrite.size())) {
            // no back-off: the next attempt quarantines
            continue;
          }
          if (backoffMs == MIN_BACKOFF_MS) {
            LOG.warn("reading batch write failed, kept in the spool, will retry: batches={},"
                + " retryInMs={}, spoolPending={}, cause={}", pendingWrite.size(), backoffMs,
                spool.metrics().readingsPending(), e.toString(), e);
          } else {
            LOG.warn("reading batch write failed again, will retry: batches={}, retryInMs={},"
                + " spoolPending={}, cause={}", pendingWrite.size(), backoffMs,
                spool.metrics().readingsPending(), e.toString());
          }
          stopSignal.tryAcquire(backoffMs, TimeUnit.MILLISECONDS);
          backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("reading writer interrupted; the spool keeps what is unwritten");
        return;
      } catch (java.io.IOException e) {
        LOG.error("spool I/O failed on the writer thread: cause={}", e.toString(), e);
        try {
          stopSignal.tryAcquire(MAX_BACKOFF_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Collects spool records up to batchRows readings, waiting up to flushMs for more; false when
   * nothing came within the idle poll.
   */
  private boolean fillFromSpool(List<SpoolRecord> out) throws InterruptedException, java.io.IOException {
    // permits drained before the poll: an append after it leaves one, and the wait ends at once
    wake.drainPermits();
    int rows = addAll(out, spool.poll(config.batchRows()));
    if (out.isEmpty()) {
      wake.tryAcquire(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
      return false;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.flushMs());
    while (rows < config.batchRows() && running) {
      long waitNanos = deadline - System.nanoTime();
      if (waitNanos <= 0) {
        break;
      }
      wake.tryAcquire(Math.min(waitNanos, TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MS)),
          TimeUnit.NANOSECONDS);
      rows += addAll(out, spool.poll(config.batchRows() - rows));
    }
    return true;
  }

  /**
   * Writes the batch, or, after {@link #QUARANTINE_AFTER_ATTEMPTS} refusals of its data in a row,
   * writes what the database accepts and quarantines the rest.
   */
  private void writeOrQuarantine(List<Reading> rows, String spoolId, long lastSeq) throws Exception {
    if (refusals < QUARANTINE_AFTER_ATTEMPTS) {
      sink.write(rows, spoolId, lastSeq);
      committed.addAndGet(rows.size());
      refusals = 0;
      return;
    }
    List<QuarantinedReading> q = sink.writeQuarantining(rows, spoolId, lastSeq);
    refusals = 0;
    committed.addAndGet(rows.size() - q.size());
    if (q.isEmpty()) {
      LOG.info("batch the database refused was accepted on its last attempt: rows={}", rows.size());
      return;
    }
    quarantined.addAndGet(q.size());
    quarantineBatches.incrementAndGet();
    lastQuarantine = Instant.now();
    QuarantinedReading first = q.get(0);
    LOG.error("readings quarantined, the database refuses them: rows={}, ofBatch={}, stored={},"
        + " sqlState={}, reason={}, sample={}, quarantinedTotal={}; see /api/quarantine",
        q.size(), rows.size(), rows.size() - q.size(), first.sqlState(), first.reason(),
        q.subList(0, Math.min(QUARANTINE_LOG_SAMPLE, q.size())).stream().map(QuarantinedReading::reading).toList(),
        quarantined.get());
  }

  /**
   * Counts a failure that refused the data; any other failure resets the count.
   *
   * @return true when the batch is now to be quarantined at once
   */
  private boolean countRefusal(Exception e, int batches) {
    if (!sink.refusesData(e)) {
      refusals = 0;
      return false;
    }
    refusals++;
    if (refusals >= QUARANTINE_AFTER_ATTEMPTS) {
      LOG.warn("database refused the batch's data {} times, quarantining what it refuses: batches={},"
          + " cause={}", refusals, batches, e.toString());
      return true;
    }
    return false;
  }

  private static int addAll(List<SpoolRecord> out, List<SpoolRecord> records) {
    int rows = 0;
    for (SpoolRecord r : records) {
      out.add(r);
      rows += r.readings().size();
    }
    return rows;
  }

  /**
   * Stops the writer thread at once, without flushing and without unregistering: what a crash
   * would leave behind, for tests of recovery. The spool is not closed.
   */
  void halt() throws InterruptedException {
    stopDeadlineNanos = System.nanoTime();
    running = false;
    writer.interrupt();
    writer.join(5_000);
    stopSyncer();
    if (consumer != null) {
      consumer.unregister();
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
          writeOrQuarantine(batch, null, 0);
          lastCommit = Instant.now();
          batch = new ArrayList<>(config.batchRows());
          inFlight = 0;
          backoffMs = MIN_BACKOFF_MS;
        } catch (Exception e) {
          commitErrors.incrementAndGet();
          if (countRefusal(e, batch.size())) {
            continue;
          }
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
