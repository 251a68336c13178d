package org.pilotline.analytics.model;

/** The kinds of anomaly model. */
public enum ModelKind {
  ISOLATION_FOREST,
  /** PCA on standardised features, scored with Hotelling T² and SPE (Q). */
  PCA;

  /**
   * The kind named as in {@code application.yaml} and on the command line ({@code pca},
   * {@code isolationForest}), or by its constant name.
   *
   * @throws IllegalArgumentException naming the accepted words
   */
  public static ModelKind of(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "pca" -> PCA;
      case "isolationforest", "isolation_forest" -> ISOLATION_FOREST;
      default -> throw new IllegalArgumentException("unknown model kind \"" + name
          + "\": pca or isolationForest");
    };
  }
}
