package org.pilotline.analytics.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.ConfigException;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.testing.TestLines;
import org.pilotline.analytics.feature.FeatureSchema.TagPattern;

class FeatureSchemaLoaderTest {
  private static final Line LINE = LineLoader.load(TestLines.configDir().resolve("line.yaml"));

  private static final String VALID = """
      version: 2
      summaries:
        - {tag: coating/arealLoading, stats: [mean, std]}
        - {tag: "formation/{slot}Temperature", name: formation.temp, stats: [max]}
      exposure: {dewPoint: dryRoom/dewPoint, dewPointThreshold: -45, h2s: dryRoom/dryRoomPlc/h2s, until: sealing}
      pressure: {isostatic: isostaticPress/pressure, setpoint: 500, stackPressure: "formation/{slot}StackPressure"}
      formation: {capacity: "formation/{slot}Capacity", current: "formation/{slot}Current"}
      results: {eol.ocv: eol/ocv}
      """;

  @Test
  void theShippedFeaturesFileIsValidAgainstTheShippedLine() {
    FeatureSchema schema = FeatureSchemaLoader.load(TestLines.configDir().resolve("features.yaml"), LINE);
    assertTrue(schema.version() >= 1);
    assertTrue(schema.featureNames().containsAll(List.of("exposure.dewPointExcess", "exposure.h2s",
        "isostatic.peakPressure", "isostatic.holdSeconds", "formation.stackPressure.mean",
        "formation.stackPressure.std", "formation.capacity", "formation.firstCycleCe", "eol.ocv", "eol.acir",
        "eol.kValue")), schema.featureNames().toString());
  }

  @Test
  void tagsResolveToStationEquipmentAndNameWithDefaults() {
    FeatureSchema schema = FeatureSchemaLoader.parse(VALID, "features.yaml", LINE);
    assertEquals(2, schema.version());
    assertEquals(new TagPattern("coating", "coater", "arealLoading", null), schema.summaries().get(0).tag());
    assertEquals("coating.arealLoading", schema.summaries().get(0).name());
    assertEquals(new TagPattern("formation", "cycler", "{slot}Temperature", null), schema.summaries().get(1).tag());
    assertEquals(0.95, schema.pressure().holdFraction());
    assertEquals(FeatureSchema.ExposureStart.ROLL, schema.exposure().from());
    assertEquals(List.of("coating.arealLoading.mean", "coating.arealLoading.std", "formation.temp.max"),
        schema.featureNames().subList(0, 3));
  }

  @Test
  void everyFaultNamesTheFileTheKeyPathAndWhatIsWrong() {
    String bad = VALID
        .replace("coating/arealLoading", "coating/arealLoadin")
        .replace("stats: [max]", "stats: [max, median]")
        .replace("until: sealing", "until: oven")
        .replace("formation/{slot}StackPressure", "sealing/{slot}Pressure")
        .replace("setpoint: 500, ", "")
        .replace("dewPoint: dryRoom/dewPoint", "dewPoint: \"dryRoom/{slot}dewPoint\"");
    ConfigException e = assertThrows(ConfigException.class, () -> FeatureSchemaLoader.parse(bad, "f.yaml", LINE));
    List<String> messages = e.errors().stream().map(ConfigException::getMessage).toList();
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("f.yaml: summaries[0].tag: no tag \"arealLoadin\"")), messages.toString());
    assertTrue(messages.contains("f.yaml: summaries[1].stats[1]: unknown statistic \"median\"; known: mean, std, min, max, slope"),
        messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("f.yaml: exposure.until: no station \"oven\"")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("f.yaml: pressure.stackPressure: ")), messages.toString());
    assertTrue(messages.contains("f.yaml: pressure: needs setpoint (a number) or setpointTag (a tag)"), messages.toString());
    assertTrue(messages.contains("f.yaml: exposure.dewPoint: {slot} is not allowed here: name one tag"), messages.toString());
    assertEquals(6, messages.size(), messages.toString());
  }

  @Test
  void aSlotPatternNeedsATagBoundToEverySlot() {
    String bad = VALID.replace("formation/{slot}Capacity", "formation/{slot}Charge");
    ConfigException e = assertThrows(ConfigException.class, () -> FeatureSchemaLoader.parse(bad, "f.yaml", LINE));
    assertEquals("formation.capacity", e.path());
    assertTrue(e.fault().contains("ch1Charge (slot ch1)"), e.fault());
  }

  @Test
  void twoFeaturesWithOneNameAreRefused() {
    String bad = VALID.replace("name: formation.temp", "name: coating.arealLoading").replace("stats: [max]", "stats: [mean]");
    ConfigException e = assertThrows(ConfigException.class, () -> FeatureSchemaLoader.parse(bad, "f.yaml", LINE));
    assertTrue(e.getMessage().contains("\"coating.arealLoading.mean\" is produced twice"), e.getMessage());
  }
}
