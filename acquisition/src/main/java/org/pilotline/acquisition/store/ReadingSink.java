package org.pilotline.acquisition.store;

import java.util.List;
import org.pilotline.acquisition.line.Reading;

/** Where readings are made durable. */
public interface ReadingSink {
  /**
   * Stores all readings, or none: the call either returns after they are committed or throws.
   *
   * @throws Exception when nothing was stored; the caller may retry the same list
   */
  void write(List<Reading> readings) throws Exception;

  /**
   * Stores all readings and records, in the same transaction, that spool {@code spoolId}'s
   * batches up to {@code lastSeq} are committed (see {@link #committedSeq}). A sink without such
   * bookkeeping only writes; replay after a crash may then repeat the last batch.
   *
   * @throws Exception when nothing was stored (neither the readings nor the mark)
   */
  default void write(List<Reading> readings, String spoolId, long lastSeq) throws Exception {
    write(readings);
  }

  /**
   * The last spool sequence number committed with {@link #write(List, String, long)} for
   * {@code spoolId}, or 0 when none.
   */
  default long committedSeq(String spoolId) throws Exception {
    return 0;
  }

  /**
   * Whether {@code failure} says the database refused the data itself (a value out of range, a
   * violated constraint) rather than that it could not be reached: a failure that repeats on
   * every retry of the same readings. A sink that cannot tell says false: its failures are
   * retried until they pass.
   */
  default boolean refusesData(Exception failure) {
    return false;
  }

  /**
   * Stores the readings the database accepts, sets aside those it refuses for a reason in the
   * data in a quarantine with the database's reason, and moves spool {@code spoolId}'s mark to
   * {@code lastSeq} (when not null): all in one transaction. Slower than {@link #write}: meant
   * for a batch that {@link #refusesData} said was refused.
   *
   * @return the readings quarantined; empty when the database accepted them all
   * @throws Exception when nothing was stored or quarantined; the caller may retry
   */
  default List<QuarantinedReading> writeQuarantining(List<Reading> readings, String spoolId, long lastSeq)
      throws Exception {
    write(readings, spoolId, lastSeq);
    return List.of();
  }
}
