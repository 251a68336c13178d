package org.pilotline.acquisition.store;

import java.time.Instant;

/**
 * A snapshot of the reading writer's counters since it started. Readings received are, in the
 * end, committed, dropped, rejected, quarantined, or still queued.
 *
 * @param received readings taken off the event bus
 * @param committed readings committed to the database
 * @param dropped readings thrown away because the queue was full
 * @param rejected readings PostgreSQL cannot hold (time out of timestamptz range, status code
 *     out of 32 bits); dropped on arrival so they cannot block the batches behind them
 * @param queueDepth readings waiting, including a batch being written or retried
 * @param lastCommit when the last batch was committed, or null before the first
 * @param commitErrors failed COPY attempts (each is retried)
 * @param quarantined readings the database refused for a reason in the data, set aside in its
 *     quarantine (table reading_quarantine) rather than retried for ever
 * @param quarantineBatches batches from which readings were quarantined
 * @param lastQuarantine when readings were last quarantined, or null before the first
 */
public record WriterMetrics(
    long received,
    long committed,
    long dropped,
    long rejected,
    int queueDepth,
    Instant lastCommit,
    long commitErrors,
    long quarantined,
    long quarantineBatches,
    Instant lastQuarantine) {}
