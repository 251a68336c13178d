package org.pilotline.acquisition.opcua;

import java.time.Instant;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UNumber;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.UnitNode;

/**
 * The last known unit of one unit node ("which cell is in the stacker"), turning the node's
 * notifications into {@link CellEvent}s.
 *
 * <p>Not thread-safe: Milo delivers one subscription's notifications serially, and that delivery
 * is the only caller of {@link #accept}.
 */
final class UnitSlot {
  private final String stationId;
  private final String equipmentId;
  private final UnitNode node;
  private String current;
  // False until the first Good value after a (re)connect: that value is reported even when the
  // slot is empty, so that consumers learn the slot's state and its time without waiting for a change.
  private boolean known;

  UnitSlot(String stationId, String equipmentId, UnitNode node) {
    this.stationId = stationId;
    this.equipmentId = equipmentId;
    this.node = node;
  }

  UnitNode node() {
    return node;
  }

  /**
   * Forgets the last known unit, so that the first value after a (re)connect reports no previous
   * unit: while disconnected the slot may have changed any number of times.
   */
  void forget() {
    current = null;
    known = false;
  }

  /**
   * Takes one notification of the unit node.
   *
   * @return the change it means, or empty when it changes nothing: the same unit again, or a Bad
   *     value (a sensor or link fault says nothing about which unit is there). The first Good value
   *     after a (re)connect is always an event, with no previous unit, even for an empty slot.
   */
  Optional<CellEvent> accept(DataValue dataValue, Instant receivedAt) {
    if (dataValue.getStatusCode() != null && dataValue.getStatusCode().isBad()) {
      return Optional.empty();
    }
    String unit = unitId(dataValue.getValue().getValue());
    if (known && (unit == null ? current == null : unit.equals(current))) {
      return Optional.empty();
    }
    known = true;
    String previous = current;
    current = unit;
    return Optional.of(new CellEvent(
        stationId,
        equipmentId,
        node.name(),
        node.kind(),
        node.role(),
        previous,
        unit,
        DataValues.sourceTime(dataValue, receivedAt)));
  }

  /**
   * The unit id a unit node's value names, or null when the slot is empty. Most equipment publishes
   * a String; some publish a number (a serial) or a LocalizedText, which are taken as their text.
   * Null, empty and blank values, arrays and structures mean no unit. Leading and trailing blanks
   * and trailing NULs are not part of the id.
   */
  static String unitId(Object value) {
    String text;
    if (value instanceof String s) {
      text = s;
    } else if (value instanceof LocalizedText lt) {
      text = lt.getText();
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte || value instanceof UNumber) {
      text = value.toString();
    } else {
      return null;
    }
    if (text == null) {
      return null;
    }
    // PLCs publish fixed-length strings padded with blanks or NULs; the padding is not the id.
    int end = text.length();
    while (end > 0 && (text.charAt(end - 1) == '\0' || Character.isWhitespace(text.charAt(end - 1)))) {
      end--;
    }
    String trimmed = text.substring(0, end).strip();
    return trimmed.isEmpty() ? null : trimmed;
  }
}
