package org.pilotline.acquisition.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.TagRef;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitRole;

/**
 * The pilot line's process, without any OPC UA: given a {@link Line}, options and a start
 * instant, {@link #step(Instant)} says which nodes take which values up to a simulated instant.
 *
 * <p>Deterministic: every value is a function of the seed, the line, the faults and the
 * simulated time. Each tag has its own random stream, advanced once per point of its own
 * sampling grid ({@code start + j * samplingMs}) whether or not that point is emitted, so the
 * values at grid points do not depend on how often {@code step} is called; one step emits at most
 * the latest grid point of each tag.
 *
 * <p>Roles are read from the line, not from station names: stations with a CELL PROCESS slot are
 * the cell route (one takt each; a station with C such slots works C cells in parallel for C
 * takts), stations with a ROLL PROCESS slot make rolls (the one nearest the cell route feeds it,
 * the others work ahead on later rolls), LOT PROCESS slots show the open material lot. Tags are
 * modelled by where they are and what they are called: pressure/force at a one-slot cell station
 * follows a press cycle, tags at the last cell station are per-cell test results, tags bound to a
 * slot of a multi-slot station follow a charge/discharge cycle, everything else is a lagged
 * Ornstein-Uhlenbeck process around its target. Not thread-safe except {@link #injectStatus}.
 */
public final class LineSimulation {

  private static final double LAG_TAU_S = 60.0;
  private static final double OU_THETA_S = 300.0;
  private static final String CELL_FORMAT = "C-%06d";
  private static final String ROLL_FORMAT = "R-%05d";
  private static final String LOT_FORMAT = "LOT-%04d";

  private final Line line;
  private final SimulatorOptions options;
  private final Instant start;
  private final long taktNanos;
  private final List<CellStation> cellStations = new ArrayList<>();
  private final Map<String, Integer> rollDistance = new HashMap<>();
  private final int totalTakts;
  private final int exposureEndStation;
  private final List<TagSim> tags = new ArrayList<>();
  private final List<UnitSim> units = new ArrayList<>();
  private final List<ResolvedFault> faults = new ArrayList<>();
  private final Map<Long, CellPlan> plans = new HashMap<>();
  private final Map<String, Long> injectedStatus = new ConcurrentHashMap<>();
  private long lastTakt = -1;
  private long lastNanos = -1;
  private long cellsFinished;

  /**
   * @throws IllegalArgumentException when a fault's target is not in the line (the message names
   *     the fault string and the target)
   */
  public LineSimulation(Line line, SimulatorOptions options, Instant start) {
    this.line = Objects.requireNonNull(line, "line");
    this.options = Objects.requireNonNull(options, "options");
    this.start = Objects.requireNonNull(start, "start");
    this.taktNanos = Math.round(options.taktSeconds() * 1e9);

    int offset = 0;
    List<Station> rollStations = new ArrayList<>();
    for (int i = 0; i < line.stations().size(); i++) {
      Station s = line.stations().get(i);
      List<UnitNode> cellSlots = slots(s, UnitKind.CELL, UnitRole.PROCESS);
      if (!cellSlots.isEmpty()) {
        cellStations.add(new CellStation(s, cellSlots, cellSlots.size(), offset));
        offset += cellSlots.size();
      } else if (!slots(s, UnitKind.ROLL, UnitRole.PROCESS).isEmpty()) {
        rollStations.add(s);
      }
    }
    totalTakts = offset;
    for (int i = 0; i < rollStations.size(); i++) {
      rollDistance.put(rollStations.get(i).id(), rollStations.size() - i);
    }
    exposureEndStation = exposureEnd();

    long tagSeedBase = mix(options.seed());
    for (Station s : line.stations()) {
      for (Equipment e : s.equipment()) {
        for (Tag t : e.tags()) {
          TagRef ref = new TagRef(s.id(), e.id(), t);
          tags.add(new TagSim(ref, mix(tagSeedBase ^ mix(stableHash(ref.key())))));
        }
      }
    }
    // INPUT slots first: when a unit arrives in a PROCESS slot, its parents must already be in place.
    for (UnitRole role : List.of(UnitRole.INPUT, UnitRole.PROCESS)) {
      for (Station s : line.stations()) {
        for (Equipment e : s.equipment()) {
          e.units().stream().filter(u -> u.role() == role).forEach(u -> units.add(new UnitSim(s, e, u)));
        }
      }
    }
    for (TagSim t : tags) {
      t.classify();
    }
    for (FaultSpec f : options.faults()) {
      faults.add(resolve(f));
    }
  }

  public Instant start() {
    return start;
  }

  public Line line() {
    return line;
  }

  /** Cells that left the last station so far. */
  public long cellsFinished() {
    return cellsFinished;
  }

  /** From now on the node reports {@code statusCode} with its values (which keep changing). */
  public void injectStatus(String nodeIdText, long statusCode) {
    injectedStatus.put(nodeIdText, statusCode);
  }

  public void clearStatus(String nodeIdText) {
    injectedStatus.remove(nodeIdText);
  }

  /** The status currently injected for a node, Good (0) when none. */
  public long statusOf(String nodeIdText) {
    return injectedStatus.getOrDefault(nodeIdText, 0L);
  }

  /**
   * Advances the simulation to {@code simNow}. Returns the unit changes at every takt boundary
   * passed, the latest grid-point value of every tag whose grid was crossed, and the cells that
   * finished. An instant not after the previous one produces nothing.
   */
  public SimStep step(Instant simNow) {
    long now = Duration.between(start, simNow).toNanos();
    if (now < 0 || now <= lastNanos) {
      return new SimStep(List.of(), List.of());
    }
    List<SimUpdate> out = new ArrayList<>();
    List<FinishedCell> finished = new ArrayList<>();
    long nowTakt = Math.floorDiv(now, taktNanos);
    for (long k = lastTakt + 1; k <= nowTakt; k++) {
      Instant at = instant(k * taktNanos);
      for (UnitSim u : units) {
        String value = u.valueAt(k);
        if (!value.equals(u.last)) {
          u.last = value;
          out.add(new SimUpdate.UnitValue(u.station.id(), u.equipment.id(), u.node.name(), u.node.nodeId(), at,
              value, statusOf(u.node.nodeId())));
        }
      }
      long n = k - totalTakts + 1;
      if (totalTakts > 0 && n >= 1) {
        CellPlan plan = plan(n);
        finished.add(new FinishedCell(plan.id, rollId(plan.roll), at, plan.hits));
        cellsFinished++;
        plans.remove(n);
      }
    }
    lastTakt = nowTakt;
    for (TagSim t : tags) {
      t.advanceTo(now, out);
    }
    lastNanos = now;
    // Unit changes were added first, so at equal times a slot's new unit precedes the samples taken for it.
    out.sort(Comparator.comparing(SimUpdate::sourceTime));
    // Keep plans bounded when cells are asked for out of order (tags at early stations look ahead).
    plans.keySet().removeIf(n -> n < nowTakt - totalTakts - 1);
    return new SimStep(out, finished);
  }

  // ---------------------------------------------------------------- schedule

  private record CellStation(Station station, List<UnitNode> slots, int parallel, int offsetTakts) {}

  private static List<UnitNode> slots(Station s, UnitKind kind, UnitRole role) {
    return s.equipment().stream().flatMap(e -> e.units().stream())
        .filter(u -> u.kind() == kind && u.role() == role).toList();
  }

  /** The cell stations during which a cell is open to the room: up to the sealing one, else up to the first parallel one. */
  private int exposureEnd() {
    for (int i = 0; i < cellStations.size(); i++) {
      if (cellStations.get(i).station.id().toLowerCase(Locale.ROOT).contains("seal")) {
        return i;
      }
    }
    for (int i = 0; i < cellStations.size(); i++) {
      if (cellStations.get(i).parallel > 1) {
        return Math.max(0, i - 1);
      }
    }
    return cellStations.isEmpty() ? -1 : 0;
  }

  private int cellStationIndex(String stationId) {
    for (int i = 0; i < cellStations.size(); i++) {
      if (cellStations.get(i).station.id().equals(stationId)) {
        return i;
      }
    }
    return -1;
  }

  /** The cell (1-based) in a slot of cell station {@code i} during takt {@code k}, or 0. */
  private long cellAt(int i, int slot, long k) {
    CellStation cs = cellStations.get(i);
    long local = k - cs.offsetTakts;
    if (local < slot) {
      return 0;
    }
    return local - Math.floorMod(local - slot, cs.parallel) + 1;
  }

  private long cellEntryTakt(int i, long n) {
    return n - 1 + cellStations.get(i).offsetTakts;
  }

  private long rollOfCell(long n) {
    return (n - 1) / options.cellsPerRoll() + 1;
  }

  /** The roll fed to the cell route during takt k. */
  private long feedingRoll(long k) {
    return Math.floorDiv(k, options.cellsPerRoll()) + 1;
  }

  private long rollAtStation(int distance, long k) {
    return Math.floorDiv(k, options.cellsPerRoll()) + distance;
  }

  private long rollStartTakt(long roll, int distance) {
    return (roll - distance) * options.cellsPerRoll();
  }

  private long lotAt(long k) {
    return Math.floorDiv(Math.max(k, 0), (long) options.cellsPerRoll() * options.rollsPerLot()) + 1;
  }

  private static String cellId(long n) {
    return String.format(Locale.ROOT, CELL_FORMAT, n);
  }

  private static String rollId(long r) {
    return r < 1 ? "" : String.format(Locale.ROOT, ROLL_FORMAT, r);
  }

  private static String lotId(long l) {
    return String.format(Locale.ROOT, LOT_FORMAT, l);
  }

  private Instant instant(long nanos) {
    return start.plusNanos(nanos);
  }

  private Duration since(long nanos) {
    return Duration.ofNanos(nanos);
  }

  /** One unit node and what it shows at each takt. */
  private final class UnitSim {
    final Station station;
    final Equipment equipment;
    final UnitNode node;
    final int cellStation;
    final int slotIndex;
    String last;

    UnitSim(Station station, Equipment equipment, UnitNode node) {
      this.station = station;
      this.equipment = equipment;
      this.node = node;
      this.cellStation = cellStationIndex(station.id());
      this.slotIndex = cellStation < 0 ? -1 : cellStations.get(cellStation).slots.indexOf(node);
    }

    String valueAt(long k) {
      Integer distance = rollDistance.get(station.id());
      return switch (node.kind()) {
        case CELL -> {
          if (node.role() != UnitRole.PROCESS || cellStation < 0) {
            yield "";
          }
          long n = cellAt(cellStation, slotIndex, k);
          yield n == 0 ? "" : cellId(n);
        }
        case ROLL -> {
          if (node.role() == UnitRole.PROCESS && distance != null) {
            yield rollId(rollAtStation(distance, k));
          }
          if (node.role() == UnitRole.INPUT && cellStation >= 0) {
            long n = cellAt(cellStation, 0, k);
            yield n == 0 ? "" : rollId(rollOfCell(n));
          }
          yield rollId(feedingRoll(k));
        }
        case LOT -> {
          if (node.role() == UnitRole.INPUT && distance != null) {
            long roll = rollAtStation(distance, k);
            yield lotId(lotAt(rollStartTakt(roll, distance)));
          }
          yield lotId(lotAt(k));
        }
      };
    }
  }

  // ---------------------------------------------------------------- faults

  private enum Scope { CELL_STATION, ROLL_STATION, LINE }

  private record Effect(TagSim tag, double abs, double rel) {}

  private record ResolvedFault(FaultSpec spec, String stationId, int cellStation, Scope scope, List<Effect> effects) {
    Instant end(Instant start) {
      return spec.duration() == null ? null : start.plus(spec.start()).plus(spec.duration());
    }
  }

  private ResolvedFault resolve(FaultSpec f) {
    String target = f.effectiveTarget();
    if (f.kind() == FaultKind.CHANNEL_FAULT) {
      int cs = -1;
      for (int i = 0; i < cellStations.size() && cs < 0; i++) {
        if (target == null ? cellStations.get(i).parallel > 1 : cellStations.get(i).station.id().equals(target)) {
          cs = i;
        }
      }
      if (cs < 0) {
        throw new IllegalArgumentException(FaultSpec.error(f.text(), target == null
            ? "no station with several cell slots (channels) in line \"" + line.name() + "\""
            : "unknown target \"" + target + "\": no cell station with that id"));
      }
      if (f.channel() > cellStations.get(cs).parallel) {
        throw new IllegalArgumentException(FaultSpec.error(f.text(), "channel " + f.channel() + " out of range: station "
            + cellStations.get(cs).station.id() + " has " + cellStations.get(cs).parallel + " channels"));
      }
      return new ResolvedFault(f, cellStations.get(cs).station.id(), cs, Scope.CELL_STATION, List.of());
    }
    int dot = target.indexOf('.');
    if (dot <= 0 || dot == target.length() - 1) {
      throw new IllegalArgumentException(FaultSpec.error(f.text(), "unknown target \"" + target
          + "\": expected station.tag"));
    }
    String stationId = target.substring(0, dot);
    String tagName = target.substring(dot + 1);
    Station station = line.station(stationId).orElseThrow(() -> new IllegalArgumentException(FaultSpec.error(
        f.text(), "unknown target \"" + target + "\": no station \"" + stationId + "\" in line \"" + line.name() + "\"")));
    TagSim tag = tags.stream()
        .filter(t -> t.ref.stationId().equals(stationId) && t.ref.tag().name().equals(tagName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(FaultSpec.error(f.text(), "unknown target \"" + target
            + "\": station " + stationId + " has no tag \"" + tagName + "\"; tags: "
            + String.join(", ", station.equipment().stream().flatMap(e -> e.tags().stream()).map(Tag::name).toList()))));
    double m = f.magnitude();
    List<Effect> effects = new ArrayList<>();
    switch (f.kind()) {
      case ROLL_WEAR -> {
        effects.add(new Effect(tag, 0, m));
        // Less compaction leaves a thicker electrode.
        siblings(tag, "thickness").forEach(t -> effects.add(new Effect(t, 0, -0.8 * m)));
      }
      case LOADING_STEP -> {
        effects.add(new Effect(tag, 0, m));
        siblings(tag, "thickness").forEach(t -> effects.add(new Effect(t, 0, m)));
      }
      case DRY_ROOM_EXCURSION -> {
        effects.add(new Effect(tag, m, 0));
        // Moisture hydrolyses sulfide electrolyte: H2S follows the dew point.
        siblings(tag, "h2s").forEach(t -> effects.add(new Effect(t, m / 20.0 * 1.5 * h2sReference(t), 0)));
      }
      case PRESSURE_LOSS -> effects.add(new Effect(tag, 0, -m));
      case DRIFT, STEP -> effects.add(new Effect(tag, m * tag.scale, 0));
      default -> throw new IllegalStateException("unhandled " + f.kind());
    }
    int cs = cellStationIndex(stationId);
    Scope scope = cs >= 0 ? Scope.CELL_STATION : rollDistance.containsKey(stationId) ? Scope.ROLL_STATION : Scope.LINE;
    ResolvedFault rf = new ResolvedFault(f, stationId, cs, scope, List.copyOf(effects));
    for (Effect e : effects) {
      e.tag.effects.add(new AppliedEffect(rf, e.abs, e.rel));
    }
    return rf;
  }

  private static double h2sReference(TagSim t) {
    SpecLimits s = t.ref.tag().spec();
    return s.usl() != null ? Math.abs(s.usl()) : Math.max(Math.abs(t.base) * 10, 1.0);
  }

  private List<TagSim> siblings(TagSim of, String nameContains) {
    return tags.stream()
        .filter(t -> t != of && t.ref.stationId().equals(of.ref.stationId())
            && t.ref.equipmentId().equals(of.ref.equipmentId())
            && t.ref.tag().name().toLowerCase(Locale.ROOT).contains(nameContains))
        .toList();
  }

  private record AppliedEffect(ResolvedFault fault, double abs, double rel) {}

  // ---------------------------------------------------------------- cells

  /** Everything about one cell that is fixed when it enters the line. */
  private static final class CellPlan {
    String id;
    long roll;
    final List<FinishedCell.FaultHit> hits = new ArrayList<>();
    double capacity = 1.0;
    double acir = 1.0;
    double kValue = 1.0;
    double ocv = 1.0;
    double thickness = 1.0;
    double channelFault;
    // First-cycle coulombic efficiency: sulfide cells lose ~10 % of the first charge to interphase formation.
    double firstCycleCe = NOMINAL_FIRST_CYCLE_CE;
  }

  static final double NOMINAL_FIRST_CYCLE_CE = 0.90;

  private CellPlan plan(long n) {
    return plans.computeIfAbsent(n, this::makePlan);
  }

  private CellPlan makePlan(long n) {
    CellPlan p = new CellPlan();
    p.id = cellId(n);
    p.roll = rollOfCell(n);
    SplittableRandom r = new SplittableRandom(mix(mix(options.seed()) ^ mix(0x5EED_CE11L + n)));
    double z = r.nextGaussian();
    // Cell-to-cell spread: more active material also means a lower resistance.
    p.capacity *= 1 + 0.005 * z;
    p.acir *= 1 - 0.01 * z + 0.01 * r.nextGaussian();
    // drawn last, so the draws above (and every cell's other values) stay what they were
    p.firstCycleCe *= 1 + 0.004 * r.nextGaussian();
    for (ResolvedFault f : faults) {
      double severity = severity(f, n);
      if (Double.isNaN(severity)) {
        continue;
      }
      p.hits.add(new FinishedCell.FaultHit(f.spec, start.plus(f.spec.start()), f.end(start), f.stationId));
      double s = Math.abs(severity);
      switch (f.spec.kind()) {
        case ROLL_WEAR -> {
          p.acir *= 1 + 3 * s;
          p.capacity *= 1 - 0.5 * s;
          p.thickness *= 1 + s;
        }
        case LOADING_STEP -> {
          p.capacity *= 1 + severity;
          p.thickness *= 1 + 0.5 * severity;
          p.acir *= 1 + s;
        }
        case DRY_ROOM_EXCURSION -> {
          double d = s / 20.0;
          p.acir *= 1 + 0.3 * d;
          p.capacity *= 1 - 0.05 * d;
          p.kValue *= 1 + 1.5 * d;
          // hydrolysed electrolyte at the interfaces takes more lithium on the first charge
          p.firstCycleCe *= 1 - 0.03 * d;
        }
        case PRESSURE_LOSS -> {
          p.acir *= 1 + 2 * s;
          p.capacity *= 1 - 0.3 * s;
          p.kValue *= 1 + s;
          // poor solid-solid contact: more lithium trapped in isolated particles on the first cycle
          p.firstCycleCe *= 1 - 0.2 * s;
        }
        case CHANNEL_FAULT -> {
          p.channelFault = s;
          p.capacity *= 1 - s;
          p.kValue *= 1 + 3 * s;
          p.ocv *= 1 - 0.01 * s;
        }
        case DRIFT, STEP -> {
          p.acir *= 1 + 0.2 * s;
          p.capacity *= 1 - 0.05 * s;
        }
        default -> throw new IllegalStateException("unhandled " + f.spec.kind());
      }
    }
    return p;
  }

  /** The fault's signed magnitude times its effect on cell n, or NaN when it does not touch the cell. */
  private double severity(ResolvedFault f, long n) {
    FaultSpec spec = f.spec;
    switch (f.scope) {
      case CELL_STATION -> {
        long entry = cellEntryTakt(f.cellStation, n);
        if (spec.kind() == FaultKind.CHANNEL_FAULT
            && Math.floorMod(n - 1, cellStations.get(f.cellStation).parallel) != spec.channel() - 1) {
          return Double.NaN;
        }
        double e = spec.effectAt(since(entry * taktNanos));
        return e > 0 ? spec.magnitude() * e : Double.NaN;
      }
      case ROLL_STATION -> {
        int d = rollDistance.get(f.stationId);
        long roll = rollOfCell(n);
        long from = rollStartTakt(roll, d) * taktNanos;
        long to = from + (long) options.cellsPerRoll() * taktNanos;
        return overlapEffect(spec, from, to);
      }
      default -> {
        if (cellStations.isEmpty()) {
          return Double.NaN;
        }
        long from = cellEntryTakt(0, n) * taktNanos;
        CellStation last = cellStations.get(exposureEndStation);
        long to = (cellEntryTakt(exposureEndStation, n) + last.parallel) * taktNanos;
        return overlapEffect(spec, from, to);
      }
    }
  }

  private double overlapEffect(FaultSpec spec, long from, long to) {
    long fs = spec.start().toNanos();
    long fe = spec.duration() == null ? Long.MAX_VALUE : fs + spec.duration().toNanos();
    long a = Math.max(from, fs);
    long b = Math.min(to, fe);
    if (a >= b) {
      return Double.NaN;
    }
    // The latest moment of the overlap: a ramped fault is worst there.
    double e = spec.effectAt(since(b - 1));
    return e > 0 ? spec.magnitude() * e : Double.NaN;
  }

  // ---------------------------------------------------------------- tags

  private enum Model { CONTINUOUS, CYCLE, PER_CELL, CHANNEL }

  private enum Quantity { VOLTAGE, CURRENT, CAPACITY, TEMPERATURE, PRESSURE, OCV, ACIR, KVALUE, THICKNESS, COUNT, OTHER }

  private final class TagSim {
    final TagRef ref;
    final String key;
    final long seed;
    final SplittableRandom rng;
    final long periodNanos;
    final double base;
    final double scale;
    final double sigma;
    final List<AppliedEffect> effects = new ArrayList<>();
    Model model = Model.CONTINUOUS;
    Quantity quantity = Quantity.OTHER;
    int cellStation = -1;
    int slot;
    double holdFraction = 0.5;
    double chargeCurrent;
    double maxVoltage = 4.2;
    long nextIndex;
    double lag;
    double ou;
    long emittedCell = -1;
    // A concentration, or anything whose spec is non-negative, cannot read below zero: the noise
    // around a target of 0 ppm H2S would otherwise show negative gas.
    final boolean nonNegative;

    TagSim(TagRef ref, long seed) {
      this.ref = ref;
      this.key = ref.key();
      this.seed = seed;
      this.rng = new SplittableRandom(seed);
      Tag t = ref.tag();
      this.periodNanos = Math.max(1_000_000L, Math.round((t.samplingMs() > 0 ? t.samplingMs() : 1000.0) * 1e6));
      SpecLimits s = t.spec();
      double b;
      double sc;
      if (s.lsl() != null && s.usl() != null) {
        sc = s.usl() - s.lsl();
        b = s.target() != null ? s.target() : (s.lsl() + s.usl()) / 2;
      } else if (s.target() != null && (s.lsl() != null || s.usl() != null)) {
        b = s.target();
        sc = 2 * Math.abs((s.lsl() != null ? s.lsl() : s.usl()) - b);
      } else if (s.lsl() != null || s.usl() != null) {
        double limit = s.lsl() != null ? s.lsl() : s.usl();
        double margin = Math.max(Math.abs(limit) * 0.1, 1.0);
        b = s.lsl() != null ? limit + margin : limit - margin;
        sc = 2 * margin;
      } else if (s.target() != null) {
        b = s.target();
        sc = Math.max(Math.abs(b) * 0.1, 1e-3);
      } else {
        b = 0;
        sc = 1;
      }
      if (!(sc > 0)) {
        sc = Math.max(Math.abs(b) * 0.1, 1e-3);
      }
      this.base = b;
      this.scale = sc;
      this.sigma = sc / 12.0;
      String unit = t.unit().trim().toLowerCase(java.util.Locale.ROOT);
      boolean concentration = unit.equals("ppm") || unit.equals("ppb") || unit.equals("%");
      this.nonNegative = (s.lsl() != null && s.lsl() >= 0)
          || (concentration && (s.lsl() == null || s.lsl() >= 0) && b >= 0);
    }

    void classify() {
      String name = ref.tag().name().toLowerCase(Locale.ROOT);
      quantity = quantityOf(name);
      cellStation = cellStationIndex(ref.stationId());
      if (cellStation < 0) {
        return;
      }
      CellStation cs = cellStations.get(cellStation);
      if (cs.parallel > 1) {
        slot = -1;
        for (int i = 0; i < cs.slots.size(); i++) {
          if (cs.slots.get(i).name().equals(ref.tag().slot())) {
            slot = i;
          }
        }
        if (slot >= 0 && quantity != Quantity.OTHER) {
          model = Model.CHANNEL;
          configureChannel(cs);
        }
        return;
      }
      slot = 0;
      if (cellStation == cellStations.size() - 1) {
        model = Model.PER_CELL;
      } else if (quantity == Quantity.PRESSURE || name.contains("force")) {
        model = Model.CYCLE;
        double takt = options.taktSeconds();
        for (TagSim other : tags) {
          String on = other.ref.tag().name().toLowerCase(Locale.ROOT);
          if (other.ref.stationId().equals(ref.stationId()) && on.contains("time") && other.base > 0) {
            holdFraction = Math.min(0.6, Math.max(0.05, other.base / takt));
          }
        }
      } else if (quantity == Quantity.COUNT || name.contains("time") || name.contains("offset")) {
        model = Model.PER_CELL;
      }
    }

    private void configureChannel(CellStation cs) {
      for (TagSim other : tags) {
        if (other.ref.stationId().equals(ref.stationId())
            && Objects.equals(other.ref.tag().slot(), ref.tag().slot())) {
          String on = other.ref.tag().name().toLowerCase(Locale.ROOT);
          SpecLimits s = other.ref.tag().spec();
          if (quantityOf(on) == Quantity.CURRENT) {
            chargeCurrent = s.target() != null && s.target() > 0 ? s.target()
                : s.usl() != null && s.usl() > 0 ? 0.8 * s.usl() : 0;
          } else if (quantityOf(on) == Quantity.VOLTAGE && s.usl() != null && s.usl() > 1) {
            maxVoltage = Math.min(s.usl(), 4.2);
          }
        }
      }
    }

    /** Walks the sampling grid up to {@code now} and emits the latest point if it is new. */
    void advanceTo(long now, List<SimUpdate> out) {
      long last = Math.floorDiv(now, periodNanos);
      if (last < nextIndex) {
        return;
      }
      double value = Double.NaN;
      for (long j = nextIndex; j <= last; j++) {
        value = sample(j * periodNanos, j == 0, j == last);
      }
      nextIndex = last + 1;
      if (!Double.isNaN(value)) {
        out.add(new SimUpdate.TagValue(key, ref.tag().nodeId(), instant(last * periodNanos), value,
            statusOf(ref.tag().nodeId())));
      }
    }

    /** Advances the state to grid time t; returns the value when {@code emit}, NaN for nothing to report. */
    private double sample(long t, boolean first, boolean emit) {
      double g1 = rng.nextGaussian();
      double g2 = rng.nextGaussian();
      double dt = periodNanos / 1e9;
      return switch (model) {
        case CONTINUOUS -> continuous(t, first, dt, g1, g2, setpoint(t));
        case CYCLE -> emit ? cycle(t, g2) : Double.NaN;
        case PER_CELL -> emit ? perCell(t) : Double.NaN;
        case CHANNEL -> channel(t, first, dt, g1, g2, emit);
      };
    }

    private double setpoint(long t) {
      return shifted(base, t);
    }

    private double shifted(double level, long t) {
      double v = level;
      for (AppliedEffect e : effects) {
        double k = e.fault.spec.effectAt(since(t));
        v += k * (e.abs + e.rel * level);
      }
      return v;
    }

    private double continuous(long t, boolean first, double dt, double g1, double g2, double sp) {
      double a = Math.exp(-dt / OU_THETA_S);
      if (first) {
        lag = sp;
        ou = 0.6 * sigma * g1;
      } else {
        // First-order lag to the setpoint, and an Ornstein-Uhlenbeck wander around it.
        lag += (sp - lag) * (1 - Math.exp(-dt / LAG_TAU_S));
        ou = ou * a + 0.6 * sigma * Math.sqrt(1 - a * a) * g1;
      }
      double v = lag + ou + 0.8 * sigma * g2;
      return nonNegative ? Math.max(0, v) : v;
    }

    private double cycle(long t, double g) {
      long k = Math.floorDiv(t, taktNanos);
      long n = cellAt(cellStation, 0, k);
      if (n == 0) {
        return Math.abs(0.01 * sigma * g);
      }
      double u = (t - k * taktNanos) / (double) taktNanos;
      double ramp = 0.15;
      double profile;
      if (u < ramp) {
        profile = u / ramp;
      } else if (u < ramp + holdFraction) {
        profile = 1;
      } else if (u < 2 * ramp + holdFraction) {
        profile = 1 - (u - ramp - holdFraction) / ramp;
      } else {
        profile = 0;
      }
      // The whole cycle of a cell runs with the fault state at its start.
      double peak = shifted(base, k * taktNanos);
      return peak * profile + (profile > 0 ? sigma * g * profile : Math.abs(0.01 * sigma * g));
    }

    private double perCell(long t) {
      long k = Math.floorDiv(t, taktNanos);
      long n = cellAt(cellStation, 0, k);
      if (n == 0 || n == emittedCell) {
        return Double.NaN;
      }
      emittedCell = n;
      CellPlan p = plan(n);
      SplittableRandom r = new SplittableRandom(mix(seed ^ mix(n)));
      double level = shifted(base, cellEntryTakt(cellStation, n) * taktNanos);
      double v = switch (quantity) {
        case OCV -> level * p.ocv + 0.3 * sigma * r.nextGaussian();
        case ACIR -> level * p.acir + 0.5 * sigma * r.nextGaussian();
        case KVALUE -> level * p.kValue + 0.5 * sigma * r.nextGaussian();
        case CAPACITY -> level * p.capacity + 0.5 * sigma * r.nextGaussian();
        case THICKNESS -> level * p.thickness + 0.5 * sigma * r.nextGaussian();
        default -> level + sigma * r.nextGaussian();
      };
      return quantity == Quantity.COUNT ? Math.rint(v) : v;
    }

    private double channel(long t, boolean first, double dt, double g1, double g2, boolean emit) {
      CellStation cs = cellStations.get(cellStation);
      long k = Math.floorDiv(t, taktNanos);
      long n = cellAt(cellStation, slot, k);
      Formation f = n == 0 ? Formation.IDLE : formation(n, t, cs);
      if (quantity == Quantity.TEMPERATURE) {
        double fault = n == 0 ? 0 : plan(n).channelFault;
        // Joule heating: a few kelvin at the charge current.
        double heat = 3.0 * Math.abs(f.current) / chargeCurrent(n);
        return continuous(t, first, dt, g1, g2, setpoint(t) + heat + fault * 30.0);
      }
      if (!emit) {
        return Double.NaN;
      }
      double noise = 0.05 * sigma;
      return switch (quantity) {
        case VOLTAGE -> n == 0 ? Math.abs(0.001 * g2) : f.voltage + Math.min(noise, 0.002) * g2;
        case CURRENT -> n == 0 ? 0.001 * g2
            : f.current * (1 + (plan(n).channelFault > 0 ? 0.05 * g1 : 0)) + Math.min(noise, 0.002) * g2;
        case CAPACITY -> f.capacity;
        case PRESSURE -> n == 0 ? Math.abs(0.01 * sigma * g2)
            : base * (1 + 0.04 * f.soc) + 0.3 * sigma * g2;
        default -> setpoint(t) + sigma * g2;
      };
    }

    private double chargeCurrent(long n) {
      return chargeCurrent > 0 ? chargeCurrent : nominalCapacity() / 2;
    }

    private Formation formation(long n, long t, CellStation cs) {
      CellPlan p = plan(n);
      long entry = cellEntryTakt(cellStation, n) * taktNanos;
      double u = (t - entry) / (double) (cs.parallel * taktNanos);
      double q = nominalCapacity() * p.capacity;
      double current = chargeCurrent(n) * (1 - p.channelFault);
      double r = nominalResistance() * p.acir;
      return Formation.at(u, current, q, r, maxVoltage, p.firstCycleCe);
    }
  }

  private static Quantity quantityOf(String name) {
    if (name.contains("ocv")) {
      return Quantity.OCV;
    }
    if (name.contains("acir") || name.contains("resistance") || name.contains("imped")) {
      return Quantity.ACIR;
    }
    if (name.contains("kvalue") || name.contains("k_value") || name.contains("selfdischarge")) {
      return Quantity.KVALUE;
    }
    if (name.contains("voltage")) {
      return Quantity.VOLTAGE;
    }
    if (name.contains("current")) {
      return Quantity.CURRENT;
    }
    if (name.contains("capacity")) {
      return Quantity.CAPACITY;
    }
    if (name.contains("temperature")) {
      return Quantity.TEMPERATURE;
    }
    if (name.contains("pressure")) {
      return Quantity.PRESSURE;
    }
    if (name.contains("thickness")) {
      return Quantity.THICKNESS;
    }
    if (name.contains("count")) {
      return Quantity.COUNT;
    }
    return Quantity.OTHER;
  }

  /** The nominal capacity in Ah: the end-of-line capacity target if there is one, else 1 Ah. */
  private double nominalCapacity() {
    return lastStationBase(Quantity.CAPACITY, 1.0);
  }

  /** Internal DC resistance in ohm, twice the 1 kHz ACIR target (mΩ) when there is one, else 50 mΩ. */
  private double nominalResistance() {
    return 2 * lastStationBase(Quantity.ACIR, 25.0) / 1000.0;
  }

  private double lastStationBase(Quantity q, double fallback) {
    if (cellStations.isEmpty()) {
      return fallback;
    }
    String last = cellStations.get(cellStations.size() - 1).station.id();
    for (TagSim t : tags) {
      if (t.ref.stationId().equals(last) && t.quantity == q && t.base > 0) {
        return t.base;
      }
    }
    return fallback;
  }

  /**
   * One point of a formation cycle at fraction u of the cell's time on its channel: CC charge,
   * CV taper, rest, CC discharge, rest. Charge passed is scaled to the cycle, so a cell reaches
   * full capacity whatever the takt. The capacity is the channel's step counter (it restarts at
   * the discharge); the first charge also pays the irreversible loss of forming the
   * electrolyte-electrode interphase, so it counts discharge / {@code firstCycleCe}.
   */
  record Formation(double voltage, double current, double capacity, double soc) {
    static final Formation IDLE = new Formation(0, 0, 0, 0);

    static double ocv(double soc) {
      return 3.3 + 0.8 * soc + 0.05 * Math.log((soc + 0.02) / (1.02 - soc));
    }

    /** The share of the capacity the formation discharge takes out (SOC 1 to 0.1). */
    static final double DISCHARGE_DEPTH = 0.9;

    static Formation at(double u, double current, double capacity, double resistance, double maxVoltage,
        double firstCycleCe) {
      // the charge counter at full charge: what the discharge will return, over the efficiency
      double charged = capacity * DISCHARGE_DEPTH / firstCycleCe;
      if (u < 0.40) {
        double soc = 0.92 * u / 0.40;
        return new Formation(Math.min(maxVoltage, ocv(soc) + current * resistance), current, soc * charged, soc);
      }
      if (u < 0.55) {
        double x = (u - 0.40) / 0.15;
        double soc = 0.92 + 0.08 * (1 - Math.exp(-4 * x)) / (1 - Math.exp(-4));
        return new Formation(maxVoltage, current * Math.exp(-4 * x), soc * charged, soc);
      }
      if (u < 0.65) {
        double relax = Math.exp(-(u - 0.55) / 0.02);
        return new Formation(ocv(1.0) + (maxVoltage - ocv(1.0)) * relax, 0, charged, 1.0);
      }
      if (u < 0.95) {
        double x = (u - 0.65) / 0.30;
        double soc = 1 - 0.9 * x;
        return new Formation(ocv(soc) - current * resistance, -current, DISCHARGE_DEPTH * x * capacity, soc);
      }
      double relax = Math.exp(-(u - 0.95) / 0.01);
      return new Formation(ocv(0.1) - current * resistance * relax, 0, DISCHARGE_DEPTH * capacity, 0.1);
    }
  }

  // ---------------------------------------------------------------- randomness

  /** SplitMix64's finaliser: spreads seeds so that neighbouring inputs give unrelated streams. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A hash that is the same on every JVM (String.hashCode is specified, but only 32 bits). */
  private static long stableHash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** Tag keys in the order the simulation iterates them. */
  public List<String> tagKeys() {
    return tags.stream().map(t -> t.key).toList();
  }

  /** Unit-node ids in the order the simulation iterates them. */
  public Map<String, String> unitNodes() {
    Map<String, String> m = new LinkedHashMap<>();
    units.forEach(u -> m.put(u.node.nodeId(), u.station.id() + "/" + u.equipment.id() + "/" + u.node.name()));
    return m;
  }
}
