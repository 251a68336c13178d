package org.pilotline.acquisition.line;

/** The part a unit plays at a station. */
public enum UnitRole {
  /** The unit the station is working on; its presence opens a process window. */
  PROCESS,
  /** Material fed into the process unit; it becomes a genealogy parent of that unit. */
  INPUT
}
