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
}
