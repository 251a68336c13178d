package org.pilotline.acquisition.line;

/** What a unit id names. */
public enum UnitKind {
  /** A material lot, such as a sulfide electrolyte powder lot. */
  LOT,
  /** An electrode or electrolyte roll. */
  ROLL,
  /** A cell, from stacking on. */
  CELL
}
