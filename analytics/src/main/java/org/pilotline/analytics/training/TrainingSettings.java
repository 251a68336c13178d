package org.pilotline.analytics.training;

import org.pilotline.acquisition.config.ApplicationConfig;

/**
 * What training needs from {@code analytics:} in application.yaml, every model parameter explicit.
 * The names are those of the config keys, so that an error can name the key to change.
 *
 * @param falseAlarmRate each model's threshold flags this fraction of the training cells
 * @param minTrainingCells fewer usable cells in the window is an error
 * @param maxMissingFraction see {@link org.pilotline.analytics.model.Imputation}
 * @param forestTrees Isolation Forest trees
 * @param forestMaxDepth Isolation Forest maximum depth
 * @param forestSamplesPerTree cells drawn per tree, capped at the training cells
 * @param forestExtensionLevel 0..d − 1, or -1 for d − 1
 * @param forestSeed Isolation Forest seed
 * @param pcaComponents PCA components, or 0 to choose by {@code pcaVarianceRetained}
 * @param pcaVarianceRetained the variance fraction PCA keeps when components is 0
 */
public record TrainingSettings(double falseAlarmRate, int minTrainingCells,
    double maxMissingFraction, int forestTrees, int forestMaxDepth, int forestSamplesPerTree,
    int forestExtensionLevel, long forestSeed, int pcaComponents, double pcaVarianceRetained) {
  public TrainingSettings {
    if (!(falseAlarmRate > 0 && falseAlarmRate < 0.5)) {
      throw new IllegalArgumentException("falseAlarmRate must be in (0, 0.5): " + falseAlarmRate);
    }
    if (minTrainingCells < 2) {
      throw new IllegalArgumentException("minTrainingCells must be >= 2: " + minTrainingCells);
    }
    if (forestExtensionLevel < -1) {
      throw new IllegalArgumentException("forestExtensionLevel must be >= -1: "
          + forestExtensionLevel);
    }
  }

  public static TrainingSettings of(ApplicationConfig.Analytics a) {
    return new TrainingSettings(a.falseAlarmRate(), a.minTrainingCells(), a.maxMissingFraction(),
        a.forestTrees(), a.forestMaxDepth(), a.forestSamplesPerTree(), a.forestExtensionLevel(),
        a.forestSeed(), a.pcaComponents(), a.pcaVarianceRetained());
  }
}
