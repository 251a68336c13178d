package org.pilotline.analytics.training;

import java.util.Collection;
import java.util.Map;

/** Which cells must not teach a model what normal looks like. Blocking. */
public interface TrainingExclusions {
  /** Reason given for a cell whose process result says it is bad. */
  String KNOWN_BAD = "knownBad";
  /** Reason given for a cell a model flagged before. */
  String FLAGGED = "flagged";

  /**
   * Of the given cells, those to leave out of training, each with its reason ({@link #KNOWN_BAD}
   * wins over {@link #FLAGGED}).
   */
  Map<String, String> excluded(Collection<String> cellIds);
}
