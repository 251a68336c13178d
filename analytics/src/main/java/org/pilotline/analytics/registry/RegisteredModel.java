package org.pilotline.analytics.registry;

import java.util.Objects;
import org.pilotline.analytics.model.AnomalyModel;
import org.pilotline.analytics.model.Imputation;

/**
 * A registry version with its decoded model, ready to score.
 *
 * @param version the registry row
 * @param model the fitted model
 * @param imputation the missing-value policy learned with it, applied before scoring
 */
public record RegisteredModel(ModelVersion version, AnomalyModel model, Imputation imputation) {
  public RegisteredModel {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(imputation, "imputation");
  }
}
