package org.pilotline.analytics.eval;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of one evaluation run.
 *
 * @param seed the scenario's seed
 * @param cellsRun cells the simulator finished, warm-up included
 * @param trainingCells cells the models trained on (complete vectors only)
 * @param scoredCells cells scored (complete vectors only)
 * @param faultyScored scored cells a fault touched
 * @param faultyByKind scored faulty cells per fault kind
 * @param droppedFeatures features left out because too many training vectors missed them
 * @param droppedCells training and scored cells left out for a missing feature value
 * @param features the features the models used
 * @param models one row of figures per model, the 3σ baseline last
 * @param drifts detection delays for the drift faults
 * @param notes anything the run left out, and why
 */
public record EvaluationReport(long seed, int cellsRun, int trainingCells, int scoredCells, int faultyScored,
    Map<String, Integer> faultyByKind, List<String> droppedFeatures, int droppedCells, int features,
    List<ModelFigures> models, List<DriftFigures> drifts, List<String> notes) {
  public EvaluationReport {
    faultyByKind = Map.copyOf(faultyByKind);
    droppedFeatures = List.copyOf(droppedFeatures);
    models = List.copyOf(models);
    drifts = List.copyOf(drifts);
    notes = List.copyOf(notes);
  }

  /**
   * @param model the model's name
   * @param rocAuc area under the ROC curve of the score on the scored cells
   * @param confusion flagged against faulty at the calibrated threshold
   * @param rootCause top-1 root-cause accuracy over the faulty cells the model flagged
   * @param rootCauseCases how many cells that accuracy is over
   * @param detectedByKind faulty scored cells flagged, per fault kind
   * @param falseAlarmsByFeature good scored cells flagged, per top contributing feature
   */
  public record ModelFigures(String model, double rocAuc, Confusion confusion, double rootCause, int rootCauseCases,
      Map<String, Integer> detectedByKind, Map<String, Integer> falseAlarmsByFeature) {
    public ModelFigures {
      detectedByKind = Map.copyOf(detectedByKind);
      falseAlarmsByFeature = Map.copyOf(falseAlarmsByFeature);
    }
  }

  /**
   * @param fault the drift fault's string
   * @param feature the feature charted (the target tag's mean)
   * @param samples what one sample is: one per cell, or one per roll for a roll-level feature
   * @param ewma EWMA (λ 0.1, L 2.814) delay
   * @param cusum CUSUM (k 0.5, h 5) delay
   */
  public record DriftFigures(String fault, String feature, String samples, DriftDelay.Result ewma,
      DriftDelay.Result cusum) {}

  /** The figures of one model by name. */
  public Optional<ModelFigures> model(String name) {
    return models.stream().filter(m -> m.model().equals(name)).findFirst();
  }
}
