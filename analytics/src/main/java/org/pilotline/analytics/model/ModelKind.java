package org.pilotline.analytics.model;

/** The kinds of anomaly model. */
public enum ModelKind {
  ISOLATION_FOREST,
  /** PCA on standardised features, scored with Hotelling T² and SPE (Q). */
  PCA
}
