package org.pilotline.analytics.anomaly;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.pilotline.analytics.model.Contribution;

/**
 * A flag raised on a subject by a model, with the explanation that makes it actionable.
 *
 * @param id the ledger's id; 0 for one not yet recorded
 * @param subjectKind what was judged (CELL today; ROLL, LOT and TAG are allowed by the schema)
 * @param subjectId the cell (or other unit) id
 * @param modelKind the model kind's name, e.g. ISOLATION_FOREST
 * @param modelVersion the registry version of the model that raised it
 * @param detectedAt when it was scored
 * @param score the model's score
 * @param threshold the calibrated threshold it exceeded
 * @param contributions per-feature contributions, largest first
 * @param state open until someone acknowledges it
 * @param acknowledgedBy who acknowledged it; null while open
 * @param acknowledgedAt when; null while open
 * @param comment the acknowledger's comment; may be null
 */
public record Anomaly(long id, String subjectKind, String subjectId, String modelKind,
    int modelVersion, Instant detectedAt, double score, double threshold,
    List<Contribution> contributions, State state, String acknowledgedBy, Instant acknowledgedAt,
    String comment) {

  /** The anomaly's workflow state. */
  public enum State {
    OPEN, ACKNOWLEDGED;

    /** The value stored in {@code anomaly.state}. */
    public String sql() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Anomaly {
    Objects.requireNonNull(subjectKind, "subjectKind");
    Objects.requireNonNull(modelKind, "modelKind");
    Objects.requireNonNull(detectedAt, "detectedAt");
    Objects.requireNonNull(state, "state");
    if (subjectId == null || subjectId.isBlank()) {
      throw new IllegalArgumentException("subjectId is required");
    }
    contributions = List.copyOf(contributions);
    if ((state == State.OPEN) != (acknowledgedAt == null)) {
      throw new IllegalArgumentException("acknowledgedAt must be set exactly when acknowledged");
    }
  }

  /** A new, open anomaly on a cell, not yet recorded. */
  public static Anomaly openOnCell(String cellId, String modelKind, int modelVersion,
      Instant detectedAt, double score, double threshold, List<Contribution> contributions) {
    return new Anomaly(0, "CELL", cellId, modelKind, modelVersion, detectedAt, score, threshold,
        contributions, State.OPEN, null, null, null);
  }

  /** The top contributing feature, or null when there are no contributions. */
  public String topCause() {
    return contributions.isEmpty() ? null : contributions.get(0).feature();
  }
}
