package org.pilotline.acquisition.store;

import java.util.Objects;
import org.pilotline.acquisition.line.Reading;

/**
 * A reading the database refused for a reason in the data, and set aside in the quarantine.
 *
 * @param reading the reading as it was offered
 * @param sqlState the database's SQLSTATE (class 22 or 23 for PostgreSQL)
 * @param reason the database's message, with its detail when it gave one
 */
public record QuarantinedReading(Reading reading, String sqlState, String reason) {
  public QuarantinedReading {
    Objects.requireNonNull(reading, "reading");
    Objects.requireNonNull(sqlState, "sqlState");
    Objects.requireNonNull(reason, "reason");
  }
}
