package org.pilotline.analytics.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pilotline.analytics.model.AnomalyModel;
import org.pilotline.analytics.model.Imputation;
import org.pilotline.analytics.model.ModelKind;

/**
 * The versioned store of trained models ({@code model}): every version is kept, at most one per
 * kind is active. Blocking: call it off the event loop.
 */
public interface ModelRegistry {

  /**
   * Stores a model as the next version of its kind (the highest so far + 1), inactive.
   *
   * @param trainFrom the training window's start, inclusive; null when not from a window
   * @param trainTo its end, exclusive
   * @param metrics what training measured, stored as jsonb (numbers, strings, lists of those)
   */
  ModelVersion save(AnomalyModel model, Imputation imputation, int featureSchemaVersion,
      Instant trainFrom, Instant trainTo, Map<String, Object> metrics);

  /**
   * Makes one version the active one of its kind, deactivating the one before, in one transaction.
   *
   * @throws java.util.NoSuchElementException when there is no such version
   */
  ModelVersion activate(ModelKind kind, int version);

  /** The active version of a kind with its decoded model. */
  Optional<RegisteredModel> active(ModelKind kind);

  /** Which version of each kind is active, cheaply (no model bytes are read). */
  Map<ModelKind, Integer> activeVersions();

  /** Every version of a kind, newest first. */
  List<ModelVersion> list(ModelKind kind);

  /**
   * Reactivates the version before the active one (the highest version below it).
   *
   * @return the version now active
   * @throws IllegalStateException naming the kind when nothing is active or no earlier version
   *     exists
   */
  ModelVersion rollback(ModelKind kind);
}
