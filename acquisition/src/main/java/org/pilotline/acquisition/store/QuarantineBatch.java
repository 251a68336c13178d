package org.pilotline.acquisition.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One batch the reading writer quarantined: when, how many of its readings, and why.
 *
 * @param id the quarantine event's id
 * @param quarantinedAt when the batch was set aside
 * @param spoolId the spool the batch came from, or null without a spool
 * @param lastSeq the batch's last spool sequence number, or 0 without a spool
 * @param rowsOffered readings in the batch
 * @param rowsQuarantined readings of it refused and kept in the quarantine (the rest are stored)
 * @param sqlState the SQLSTATE of the first refusal
 * @param reason the database's message for the first refusal
 * @param firstSourceTime the earliest source time among the quarantined readings
 * @param lastSourceTime the latest source time among them
 */
public record QuarantineBatch(
    long id,
    Instant quarantinedAt,
    String spoolId,
    long lastSeq,
    int rowsOffered,
    int rowsQuarantined,
    String sqlState,
    String reason,
    Instant firstSourceTime,
    Instant lastSourceTime) {
  public QuarantineBatch {
    Objects.requireNonNull(quarantinedAt, "quarantinedAt");
    Objects.requireNonNull(sqlState, "sqlState");
    Objects.requireNonNull(reason, "reason");
  }
}
