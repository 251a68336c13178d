package org.pilotline.acquisition.line;

/**
 * Specification limits of a tag. Each bound may be absent (null), as for a one-sided limit.
 * The loader has already checked lsl ≤ target ≤ usl.
 */
public record SpecLimits(Double lsl, Double usl, Double target) {
  public static final SpecLimits NONE = new SpecLimits(null, null, null);

  public SpecLimits {
    if (lsl != null && usl != null && lsl > usl) {
      throw new IllegalArgumentException("lsl " + lsl + " > usl " + usl);
    }
  }
}
