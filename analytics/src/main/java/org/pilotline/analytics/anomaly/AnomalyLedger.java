package org.pilotline.analytics.anomaly;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where anomalies and cell verdicts are kept. Blocking: call it off the event loop.
 */
public interface AnomalyLedger {

  /**
   * Records an anomaly; recording the same subject, model kind and version again returns the id
   * of the first record (a replayed completion raises no second flag).
   *
   * @return the anomaly with its id
   */
  Anomaly record(Anomaly anomaly);

  /** Records (or replaces) the verdict on a cell. */
  void recordVerdict(CellVerdict verdict);

  /**
   * The newest verdicts, newest first (by completion), at most {@code limit}: what a restarted
   * result server shows until the next cell is scored.
   */
  List<CellVerdict> latestVerdicts(int limit);

  /** One anomaly by id. */
  Optional<Anomaly> find(long id);

  /** The newest open anomalies, newest first, at most {@code limit}. */
  List<Anomaly> open(int limit);

  /**
   * Acknowledges an open anomaly and writes an audit-log row, in one transaction.
   *
   * @param channel where the request came from, for the audit log ("hmi", "api", "opcua", "cli")
   */
  AckResult acknowledge(long id, String user, String comment, Instant at, String channel);

  /** How an acknowledgement ended. */
  sealed interface AckResult {
    /** The anomaly is now acknowledged. */
    record Acknowledged(Anomaly anomaly) implements AckResult {}

    /** No anomaly has that id. */
    record NotFound(long id) implements AckResult {}

    /** It was acknowledged before, by someone. */
    record AlreadyAcknowledged(Anomaly anomaly) implements AckResult {}
  }
}
