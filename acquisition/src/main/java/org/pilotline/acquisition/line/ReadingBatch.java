package org.pilotline.acquisition.line;

import java.util.List;
import java.util.Objects;

/** The readings of one publish response from one equipment, handed over as one message. */
public record ReadingBatch(String equipmentId, List<Reading> readings) {
  public ReadingBatch {
    Objects.requireNonNull(equipmentId, "equipmentId");
    readings = List.copyOf(readings);
  }
}
