package org.pilotline.analytics.spcstream;

import java.util.List;

/** Where SPC violations are kept. */
public interface SpcViolationStore {
  /**
   * Stores the violations in one transaction. A violation already stored (same tag, rule and
   * time: a replayed stream) is skipped, so storing twice is harmless. Blocking.
   *
   * @return the violations that were new, with their ids, in the order given
   */
  List<SpcViolation> store(List<SpcViolation> violations) throws Exception;
}
