package org.pilotline.hmi.web;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.line.CellEvent;

/**
 * What each unit slot holds now, kept from the cell events on the bus. Input slots open no
 * process window, so the database cannot answer this for them; the bus can, for every slot.
 */
public final class UnitSlotCache {
  /** The unit in a slot ("" when empty) and the time of the slot's last change. */
  public record SlotState(String unit, Instant changedAt) {}

  private final Map<String, SlotState> slots = new ConcurrentHashMap<>();
  private MessageConsumer<CellEvent> consumer;

  public void listen(EventBus bus) {
    consumer = bus.consumer(Addresses.CELL_EVENTS, m -> accept(m.body()));
  }

  public void close() {
    if (consumer != null) {
      consumer.unregister();
    }
  }

  void accept(CellEvent e) {
    slots.put(key(e.equipmentId(), e.slot()), new SlotState(e.unit() == null ? "" : e.unit(), e.at()));
  }

  public Optional<SlotState> get(String equipmentId, String slot) {
    return Optional.ofNullable(slots.get(key(equipmentId, slot)));
  }

  private static String key(String equipmentId, String slot) {
    return equipmentId + "/" + slot;
  }
}
