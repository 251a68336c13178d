package org.pilotline.acquisition.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitRole;

/**
 * Turns the stream of {@link CellEvent}s into process windows and genealogy links. Pure logic,
 * no I/O; not thread-safe: feed it events in order from one thread.
 *
 * <p>It remembers which unit occupies every slot, and for how long. An event repeating the unit a
 * slot already holds (a reconnect re-reads the node) changes nothing. The slot's own memory wins
 * over the event's {@code previousUnit}, which is only used for a slot not seen yet.
 *
 * <p><b>Genealogy by overlap in time.</b> An INPUT unit (a roll feeding the stacker) is a parent
 * of a PROCESS unit (the cell being stacked) of the same equipment when the two stayed in their
 * slots together for a positive length of time, by the units' source timestamps. A roll changed
 * at the very instant a new cell starts therefore feeds the new cell only, whichever of the two
 * changes is reported first: OPC UA orders notifications per monitored item, not across items,
 * so two changes with one source time may arrive in either order, even a publish apart.
 *
 * <p>A pair whose slots are both still occupied cannot be decided yet: its overlap is positive
 * unless one of them turns out to have left at the very instant the other arrived. It stays
 * pending until either slot changes, or until {@link #flush()} finds it has waited
 * {@link #GRACE} of wall-clock time, longer than any reporting skew between two items.
 */
public final class UnitTracker {
  /** How long an undecided pair waits for a late change with the same source time. */
  public static final Duration GRACE = Duration.ofSeconds(3);
  /** Closed occupancies remembered per equipment, for changes reported after later ones. */
  private static final int HISTORY = 16;

  private record SlotKey(String station, String equipment, String slot) {
    String equipmentKey() {
      return station + "/" + equipment;
    }
  }

  /** One unit's stay in one slot; {@code to} is null while it is still there. */
  private static final class Stay {
    final SlotKey slot;
    final UnitKind kind;
    final UnitRole role;
    final String unitId;
    final Instant from;
    Instant to;

    Stay(SlotKey slot, UnitKind kind, UnitRole role, String unitId, Instant from) {
      this.slot = slot;
      this.kind = kind;
      this.role = role;
      this.unitId = unitId;
      this.from = from;
    }
  }

  private record Pair(Stay input, Stay process, Instant waitingSince) {}

  private final Clock clock;
  private final Map<SlotKey, Stay> present = new HashMap<>();
  private final Map<String, Deque<Stay>> left = new HashMap<>();
  private final List<Pair> undecided = new ArrayList<>();
  // Links already emitted, so that a pair met twice (present, then in history) links once.
  private final Map<String, Boolean> emitted = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 4096;
    }
  };

  public UnitTracker() {
    this(Clock.systemUTC());
  }

  /** @param clock wall clock for {@link #GRACE}; unit times come from the events */
  public UnitTracker(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The commands that record this event; empty when it changes nothing. */
  public List<UnitCommand> accept(CellEvent event) {
    Objects.requireNonNull(event, "event");
    SlotKey key = new SlotKey(event.stationId(), event.equipmentId(), event.slot());
    String arriving = blankToNull(event.unit());
    Stay known = present.get(key);
    String leaving = known != null ? known.unitId : blankToNull(event.previousUnit());
    if (Objects.equals(leaving, arriving)) {
      if (known == null && arriving != null) {
        // first sight of a slot whose event says "unchanged": still a unit present now
        return arrive(key, event, arriving, new ArrayList<>());
      }
      return List.of();
    }
    List<UnitCommand> out = new ArrayList<>();
    if (leaving != null) {
      UnitRole role = known != null ? known.role : event.role();
      UnitKind kind = known != null ? known.kind : event.kind();
      if (role == UnitRole.PROCESS) {
        out.add(new UnitCommand.CloseWindow(kind, leaving, key.station(), key.equipment(), key.slot(), event.at()));
      }
      if (known != null) {
        present.remove(key);
        known.to = event.at();
        Deque<Stay> history = left.computeIfAbsent(key.equipmentKey(), k -> new ArrayDeque<>());
        history.addLast(known);
        if (history.size() > HISTORY) {
          history.removeFirst();
        }
        decide(known, out);
      }
    }
    if (arriving != null) {
      arrive(key, event, arriving, out);
    }
    return out;
  }

  /** Links for undecided pairs that have waited {@link #GRACE}: both units were together. */
  public List<UnitCommand> flush() {
    Instant due = clock.instant().minus(GRACE);
    List<UnitCommand> out = new ArrayList<>();
    for (Iterator<Pair> it = undecided.iterator(); it.hasNext(); ) {
      Pair p = it.next();
      if (!p.waitingSince().isAfter(due)) {
        it.remove();
        link(p.input(), p.process(), out);
      }
    }
    return out;
  }

  /** Pairs waiting for a decision; for tests and health. */
  public int undecided() {
    return undecided.size();
  }

  private List<UnitCommand> arrive(SlotKey key, CellEvent event, String unitId, List<UnitCommand> out) {
    Stay stay = new Stay(key, event.kind(), event.role(), unitId, event.at());
    present.put(key, stay);
    out.add(new UnitCommand.EnsureUnit(event.kind(), unitId, event.at()));
    if (event.role() == UnitRole.PROCESS) {
      out.add(new UnitCommand.OpenWindow(event.kind(), unitId, key.station(), key.equipment(), key.slot(), event.at()));
    }
    UnitRole other = event.role() == UnitRole.PROCESS ? UnitRole.INPUT : UnitRole.PROCESS;
    List<Stay> partners = new ArrayList<>();
    present.values().stream()
        .filter(s -> s.role == other && s.slot.equipmentKey().equals(key.equipmentKey()))
        .forEach(partners::add);
    left.getOrDefault(key.equipmentKey(), new ArrayDeque<>()).stream()
        .filter(s -> s.role == other)
        .forEach(partners::add);
    partners.sort(Comparator.comparing((Stay s) -> s.slot.slot()).thenComparing(s -> s.from));
    for (Stay partner : partners) {
      Stay input = stay.role == UnitRole.INPUT ? stay : partner;
      Stay process = stay.role == UnitRole.PROCESS ? stay : partner;
      consider(input, process, out);
    }
    return out;
  }

  /** A stay ended: every undecided pair it belongs to can now be decided. */
  private void decide(Stay ended, List<UnitCommand> out) {
    List<Pair> affected = new ArrayList<>();
    for (Iterator<Pair> it = undecided.iterator(); it.hasNext(); ) {
      Pair p = it.next();
      if (p.input() == ended || p.process() == ended) {
        it.remove();
        affected.add(p);
      }
    }
    // Reconsidered after the scan: a pair still open on one side goes back on the list.
    affected.forEach(p -> consider(p.input(), p.process(), out));
  }

  private void consider(Stay input, Stay process, List<UnitCommand> out) {
    Instant start = max(input.from, process.from);
    Instant knownEnd = minOfKnownEnds(input.to, process.to);
    if (knownEnd != null && !knownEnd.isAfter(start)) {
      return; // they never stayed together
    }
    if (input.to != null && process.to != null) {
      link(input, process, out);
    } else {
      // The stay still open may yet turn out to have ended at or before the other began.
      undecided.add(new Pair(input, process, clock.instant()));
    }
  }

  private void link(Stay input, Stay process, List<UnitCommand> out) {
    String id = input.kind + ":" + input.unitId + ">" + process.kind + ":" + process.unitId;
    if (emitted.put(id, Boolean.TRUE) == null) {
      out.add(new UnitCommand.LinkGenealogy(input.kind, input.unitId, process.kind, process.unitId,
          max(input.from, process.from)));
    }
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant minOfKnownEnds(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isBefore(b) ? a : b;
  }

  private static String blankToNull(String id) {
    return id == null || id.isEmpty() ? null : id;
  }
}
