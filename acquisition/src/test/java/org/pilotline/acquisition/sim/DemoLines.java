package org.pilotline.acquisition.sim;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitRole;

/** Test fixtures: the brief's demo line built in Java, and synthetic lines for benchmarks. */
public final class DemoLines {
  public static final String NS = "nsu=urn:pilotline:sim;s=";
  static final String HOST = "opc.tcp://127.0.0.1:4840";

  private DemoLines() {}

  /** The demo line of the shared brief, every equipment at {@code opc.tcp://127.0.0.1:4840/pilotline/<stationId>}. */
  public static Line demo() {
    List<Station> s = new ArrayList<>();
    s.add(station("dryRoom", "dryRoomPlc",
        List.of(tag("dewPoint", "°C", null, -40.0, -50.0), tag("h2s", "ppm", null, 1.0, 0.1),
            tag("temperature", "°C", 18.0, 24.0, 21.0)),
        List.of(unit("currentLot", UnitKind.LOT, UnitRole.PROCESS))));
    s.add(station("mixing", "mixer",
        List.of(tag("speed", "rpm", 1400.0, 1600.0, 1500.0), tag("torque", "N·m", 8.0, 12.0, 10.0),
            tag("slurryTemperature", "°C", 20.0, 30.0, 25.0), tag("viscosity", "Pa·s", 2.0, 4.0, 3.0)),
        List.of(unit("current", UnitKind.ROLL, UnitRole.PROCESS), unit("inputLot", UnitKind.LOT, UnitRole.INPUT))));
    s.add(station("coating", "coater",
        List.of(tag("webSpeed", "m/min", 1.8, 2.2, 2.0), tag("wetThickness", "µm", 190.0, 230.0, 210.0),
            tag("dryThickness", "µm", 110.0, 130.0, 120.0), tag("arealLoading", "mg/cm²", 19.0, 21.0, 20.0),
            tag("ovenZone1Temperature", "°C", 95.0, 105.0, 100.0),
            tag("ovenZone2Temperature", "°C", 115.0, 125.0, 120.0),
            tag("ovenZone3Temperature", "°C", 125.0, 135.0, 130.0)),
        List.of(unit("current", UnitKind.ROLL, UnitRole.PROCESS))));
    s.add(station("calendering", "calender",
        List.of(tag("lineForce", "kN/cm", 9.0, 11.0, 10.0), tag("rollGap", "µm", 70.0, 80.0, 75.0),
            tag("rollTemperature", "°C", 75.0, 85.0, 80.0), tag("thicknessAfter", "µm", 85.0, 95.0, 90.0),
            tag("density", "g/cm³", 3.2, 3.6, 3.4)),
        List.of(unit("current", UnitKind.ROLL, UnitRole.PROCESS))));
    s.add(station("lamination", "laminator",
        List.of(tag("pressure", "MPa", 40.0, 60.0, 50.0), tag("temperature", "°C", 90.0, 110.0, 100.0)),
        List.of(unit("current", UnitKind.ROLL, UnitRole.PROCESS), unit("inputLot", UnitKind.LOT, UnitRole.INPUT))));
    s.add(station("stacking", "stacker",
        List.of(tag("alignmentOffset", "µm", -100.0, 100.0, 0.0), tag("layerCount", "layers", 19.0, 21.0, 20.0)),
        List.of(unit("current", UnitKind.CELL, UnitRole.PROCESS), unit("inputRoll", UnitKind.ROLL, UnitRole.INPUT))));
    s.add(station("isostaticPress", "wip",
        List.of(tag("pressure", "MPa", 475.0, 525.0, 500.0, 500), tag("temperature", "°C", 75.0, 85.0, 80.0),
            tag("holdTime", "s", 25.0, 35.0, 30.0)),
        List.of(unit("current", UnitKind.CELL, UnitRole.PROCESS))));
    s.add(station("sealing", "sealer",
        List.of(tag("sealTemperature", "°C", 180.0, 200.0, 190.0), tag("sealPressure", "MPa", 0.2, 0.4, 0.3, 500),
            tag("sealTime", "s", 3.0, 5.0, 4.0)),
        List.of(unit("current", UnitKind.CELL, UnitRole.PROCESS))));
    List<Tag> channels = new ArrayList<>();
    List<UnitNode> channelSlots = new ArrayList<>();
    for (int k = 1; k <= 4; k++) {
      String ch = "ch" + k;
      channels.add(slotTag(ch + "Voltage", "V", new SpecLimits(2.5, 4.25, null), ch));
      channels.add(slotTag(ch + "Current", "A", new SpecLimits(-1.0, 1.0, null), ch));
      channels.add(slotTag(ch + "Capacity", "Ah", SpecLimits.NONE, ch));
      channels.add(slotTag(ch + "Temperature", "°C", new SpecLimits(15.0, 45.0, 25.0), ch));
      channels.add(slotTag(ch + "StackPressure", "MPa", new SpecLimits(4.0, 6.0, 5.0), ch));
      channelSlots.add(unit(ch, UnitKind.CELL, UnitRole.PROCESS));
    }
    s.add(station("formation", "cycler", channels, channelSlots));
    s.add(station("eol", "eolTester",
        List.of(tag("ocv", "V", 3.35, 3.55, 3.45), tag("acir", "mΩ", 15.0, 35.0, 25.0),
            tag("kValue", "mV/day", 0.0, 0.5, 0.2), tag("capacity", "Ah", 1.9, 2.1, 2.0),
            tag("thickness", "mm", 4.8, 5.2, 5.0)),
        List.of(unit("current", UnitKind.CELL, UnitRole.PROCESS))));
    return new Line("demo", s);
  }

  /** The demo line with every endpoint moved to 127.0.0.1:port, paths kept. */
  public static Line demo(int port) {
    return onPort(demo(), port);
  }

  /** A copy of the line with every endpoint moved to 127.0.0.1:port, paths kept. */
  public static Line onPort(Line line, int port) {
    Line out = line;
    for (Equipment e : line.equipment().toList()) {
      String path = URI.create(e.endpointUrl().replaceFirst("^opc\\.tcp", "http")).getPath();
      out = out.withEquipment(e.withEndpointUrl("opc.tcp://127.0.0.1:" + port + path));
    }
    return out;
  }

  /**
   * A line of {@code tags} generic tags on 10 equipment (one station each, no unit slots) plus the
   * demo's cell route, for load tests. Tags sample every {@code samplingMs}.
   */
  public static Line syntheticLine(int tags, double samplingMs) {
    List<Station> stations = new ArrayList<>();
    int perEquipment = (tags + 9) / 10;
    int made = 0;
    for (int e = 0; e < 10 && made < tags; e++) {
      List<Tag> list = new ArrayList<>();
      for (int i = 0; i < perEquipment && made < tags; i++, made++) {
        String id = "synth" + e + "/plc" + e + "/tag" + i;
        list.add(new Tag("tag" + i, NS + id, "u", samplingMs, 10, 0, new SpecLimits(90.0, 110.0, 100.0), null));
      }
      stations.add(new Station("synth" + e, "Synthetic " + e, List.of(
          new Equipment("plc" + e, HOST + "/pilotline/synth" + e, EndpointSecurity.NONE, 1000, list, List.of()))));
    }
    return new Line("synthetic", stations);
  }

  public static Line syntheticLine(int tags) {
    return syntheticLine(tags, 1000);
  }

  private static Station station(String id, String equipmentId, List<Tag> tags, List<UnitNode> units) {
    List<Tag> bound = tags.stream()
        .map(t -> t.withNodeId(NS + id + "/" + equipmentId + "/" + t.name()))
        .toList();
    List<UnitNode> unitNodes = units.stream()
        .map(u -> u.withNodeId(NS + id + "/" + equipmentId + "/unit/" + u.name()))
        .toList();
    return new Station(id, id, List.of(new Equipment(equipmentId, HOST + "/pilotline/" + id,
        EndpointSecurity.NONE, 500, bound, unitNodes)));
  }

  private static Tag tag(String name, String unit, Double lsl, Double usl, Double target) {
    return tag(name, unit, lsl, usl, target, 1000);
  }

  private static Tag tag(String name, String unit, Double lsl, Double usl, Double target, double samplingMs) {
    return new Tag(name, "pending", unit, samplingMs, 10, 0, new SpecLimits(lsl, usl, target), null);
  }

  private static Tag slotTag(String name, String unit, SpecLimits spec, String slot) {
    return new Tag(name, "pending", unit, 1000, 10, 0, spec, slot);
  }

  private static UnitNode unit(String name, UnitKind kind, UnitRole role) {
    return new UnitNode(name, "pending", kind, role);
  }
}
