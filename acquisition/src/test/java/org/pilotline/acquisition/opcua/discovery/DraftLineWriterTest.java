package org.pilotline.acquisition.opcua.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitRole;
import org.pilotline.acquisition.opcua.discovery.DiscoveredVariable.ValueClass;

class DraftLineWriterTest {
  private static final String URL = "opc.tcp://plc.example:4840/line";
  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  private static DiscoveredVariable numeric(List<PathElement> path, String name, String nodeId, String unit) {
    return new DiscoveredVariable(path, name, nodeId, "Double", ValueClass.NUMERIC, true, true, unit);
  }

  private static DiscoveredVariable text(List<PathElement> path, String name, String nodeId) {
    return new DiscoveredVariable(path, name, nodeId, "String", ValueClass.TEXT, true, true, null);
  }

  private static PathElement p(String name) {
    return new PathElement(name, name);
  }

  private static DiscoveryResult result(List<DiscoveredVariable> vars, boolean nodeLimit) {
    return new DiscoveryResult(URL, "None/None", "i=85", NOW, Duration.ofMillis(1234), 42, 100, 12, nodeLimit,
        false, 0, vars, List.of());
  }

  private static Line load(DraftLineWriter.Draft draft) {
    return LineLoader.parse(draft.yaml(), "draft.yaml");
  }

  @Nested
  class Escaping {
    // NodeId strings and browse names may hold anything; the YAML must carry them through unchanged.
    @Test
    void oddNodeIdsAndNamesSurviveTheRoundTrip() {
      List<String> odd = List.of(
          "ns=3;s=Line \"A\"\\Speed: #1",
          "ns=3;s=tab\tnewline\nend",
          "ns=3;s=- [x]: {y} & *z | > '%@`",
          "ns=3;s=null",
          "ns=3;s=Temperatür °C\u2028sep",
          "nsu=urn:vendor:plc;i=4294967295",
          "ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a",
          "ns=2;b=AAECAw==");
      List<DiscoveredVariable> vars = new ArrayList<>();
      for (int i = 0; i < odd.size(); i++) {
        vars.add(numeric(List.of(p("Station: #1 \"main\""), p("PLC\nA")), "v" + i + " #weird: \"name\"",
            odd.get(i), "unit \"" + i + "\" # not a comment"));
      }
      Line line = load(DraftLineWriter.write(result(vars, false), DiscoveryOptions.DEFAULT_UNIT_SLOT_PATTERN, NOW));

      List<Tag> tags = line.stations().get(0).equipment().get(0).tags();
      assertEquals(odd, tags.stream().map(Tag::nodeId).toList());
      assertEquals("unit \"3\" # not a comment", tags.get(3).unit());
      assertEquals("Station: #1 \"main\"", line.stations().get(0).name());
    }

    @Test
    void idsThatYamlWouldReadAsOtherTypesStayStrings() {
      List<DiscoveredVariable> vars = List.of(
          numeric(List.of(p("true"), p("null")), "123", "ns=2;i=1", null),
          numeric(List.of(p("true"), p("null")), "1e5", "ns=2;i=2", null));
      Line line = load(DraftLineWriter.write(result(vars, false), DiscoveryOptions.DEFAULT_UNIT_SLOT_PATTERN, NOW));
      assertEquals("true", line.stations().get(0).id());
      assertEquals("null", line.stations().get(0).equipment().get(0).id());
      assertEquals(List.of("123", "1e5"), line.stations().get(0).equipment().get(0).tags().stream().map(Tag::name).toList());
    }

    @Test
    void commentsCannotBreakOutOfTheirLine() {
      String comment = DraftLineWriter.comment("a\nstations: []\r\u2028b");
      assertEquals("a stations: []  b", comment);
    }
  }

  @Nested
  class Grouping {
    @Test
    void stationPerTopFolderEquipmentPerSecondAndDeeperVariablesNamedByPath() {
      List<DiscoveredVariable> vars = List.of(
          numeric(List.of(p("Coating"), p("Coater"), p("Oven"), p("Zone1")), "Temperature", "ns=2;s=a", "°C"),
          numeric(List.of(p("Coating"), p("Coater")), "Web Speed", "ns=2;s=b", "m/min"),
          numeric(List.of(p("Coating"), p("Dryer")), "Temperature", "ns=2;s=c", null),
          numeric(List.of(p("Utilities")), "Pressure", "ns=2;s=d", "bar"),
          numeric(List.of(), "Heartbeat", "ns=2;s=e", null));
      DraftLineWriter.Draft draft = DraftLineWriter.write(result(vars, false),
          DiscoveryOptions.DEFAULT_UNIT_SLOT_PATTERN, NOW);
      Line line = load(draft);

      Map<String, List<String>> tagsByEquipment = line.stations().stream().flatMap(s -> s.equipment().stream()
          .map(e -> Map.entry(s.id() + "/" + e.id(), e.tags().stream().map(Tag::name).toList())))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      assertEquals(Map.of(
          "coating/coater", List.of("ovenZone1Temperature", "webSpeed"),
          "coating/dryer", List.of("temperature"),
          "utilities/utilities", List.of("pressure"),
          "server/server", List.of("heartbeat")), tagsByEquipment);
      assertEquals(5, draft.tags());
      assertEquals(4, draft.equipment());
      assertEquals("", line.stations().get(0).equipment().get(1).tags().get(0).unit());
    }

    // Two folders whose names mangle to the same id, and two variables likewise.
    @Test
    void collidingNamesAreMadeUnique() {
      List<DiscoveredVariable> vars = List.of(
          numeric(List.of(p("Line A"), p("PLC")), "Temp", "ns=2;s=1", null),
          numeric(List.of(p("Line A"), p("PLC")), "temp", "ns=2;s=2", null),
          numeric(List.of(p("Line A"), p("PLC")), "TEMP!", "ns=2;s=3", null),
          numeric(List.of(p("line_a"), p("plc")), "Temp", "ns=2;s=4", null));
      Line line = load(DraftLineWriter.write(result(vars, false), DiscoveryOptions.DEFAULT_UNIT_SLOT_PATTERN, NOW));
      assertEquals(List.of("lineA", "lineA_2"), line.stations().stream().map(Station::id).toList());
      assertEquals(List.of("plc", "plc_2"), line.equipment().map(Equipment::id).toList());
      assertEquals(List.of("temp", "temp_2", "temp_3"),
          line.stations().get(0).equipment().get(0).tags().stream().map(Tag::name).toList());
    }
  }

  @Nested
  class Selection {
    @Test
    void unitSlotsComeFromStringVariablesWithUnitNamesWithKindsGuessed() {
      List<PathElement> at = List.of(p("Stacking"), p("Stacker"));
      List<DiscoveredVariable> vars = List.of(
          text(at, "CurrentCellId", "ns=2;s=cell"),
          text(at, "InputRoll", "ns=2;s=roll"),
          text(at, "BatchID", "ns=2;s=batch"),
          text(at, "unit/current", "ns=2;s=unit"),
          text(at, "RecipeName", "ns=2;s=recipe"),
          new DiscoveredVariable(at, "Running", "ns=2;s=run", "Boolean", ValueClass.OTHER, true, true, null),
          new DiscoveredVariable(at, "Profile", "ns=2;s=arr", "Double", ValueClass.NUMERIC, false, true, null),
          new DiscoveredVariable(at, "Secret", "ns=2;s=wo", "Double", ValueClass.NUMERIC, true, false, null),
          numeric(at, "AlignmentOffset", "ns=2;s=off", "µm"));
      DraftLineWriter.Draft draft = DraftLineWriter.write(result(vars, false),
          DiscoveryOptions.DEFAULT_UNIT_SLOT_PATTERN, NOW);
      Equipment e = load(draft).stations().get(0).equipment().get(0);

      assertEquals(List.of(
          new UnitNode("currentCellId", "ns=2;s=cell", UnitKind.CELL, UnitRole.PROCESS),
          new UnitNode("inputRoll", "ns=2;s=roll", UnitKind.ROLL, UnitRole.PROCESS),
          new UnitNode("batchID", "ns=2;s=batch", UnitKind.LOT, UnitRole.PROCESS),
          new UnitNode("unitCurrent", "ns=2;s=unit", UnitKind.CELL, UnitRole.PROCESS)), e.units());
      assertEquals(List.of("alignmentOffset"), e.tags().stream().map(Tag::name).toList());
      assertEquals(4, draft.skipped());
      assertTrue(draft.yaml().contains("#   RecipeName (String): ns=2;s=recipe"), draft.yaml());
      assertTrue(draft.yaml().contains("#   Profile (Double array): ns=2;s=arr"), draft.yaml());
      assertTrue(draft.yaml().contains("# String; kind not evident from the name"), draft.yaml());
    }

    @Test
    void kindIsGuessedFromWholeWordsOnly() {
      assertEquals("lot", DraftLineWriter.guessKind("currentLot"));
      assertEquals("roll", DraftLineWriter.guessKind("inputRoll"));
      assertEquals("cell", DraftLineWriter.guessKind("Cell.ID"));
      assertNull(DraftLineWriter.guessKind("pilotId"));
      assertNull(DraftLineWriter.guessKind("enrollment"));
    }
  }

  @Nested
  class Header {
    @Test
    void headerSaysDraftEndpointTimeAndLimitsHit() {
      List<DiscoveredVariable> vars = List.of(numeric(List.of(p("S"), p("E")), "x", "ns=2;s=x", null));
      String yaml = DraftLineWriter.write(result(vars, true), DiscoveryOptions.DEFAULT_UNIT_SLOT_PATTERN, NOW).yaml();
      assertTrue(yaml.startsWith("# DRAFT line.yaml"), yaml);
      assertTrue(yaml.contains("# endpoint:   " + URL + " (security None/None)"), yaml);
      assertTrue(yaml.contains("# written:    2026-11-27T10:00:00Z"), yaml);
      assertTrue(yaml.contains("# LIMIT HIT:  node limit 100 reached"), yaml);
    }

    // An empty result still writes a file that says why it is empty.
    @Test
    void emptyResultSaysNothingWasFound() {
      DraftLineWriter.Draft draft = DraftLineWriter.write(result(List.of(), false),
          DiscoveryOptions.DEFAULT_UNIT_SLOT_PATTERN, NOW);
      assertEquals(0, draft.tags());
      assertTrue(draft.yaml().contains("stations: []  # nothing to acquire was found"), draft.yaml());
    }
  }
}
