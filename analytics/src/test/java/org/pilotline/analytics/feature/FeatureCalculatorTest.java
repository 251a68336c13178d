package org.pilotline.analytics.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pilotline.analytics.feature.FeatureCalculator.Sample;
import org.pilotline.analytics.feature.FeatureCalculator.Window;
import org.pilotline.analytics.feature.FeatureSchema.Exposure;
import org.pilotline.analytics.feature.FeatureSchema.ExposureStart;
import org.pilotline.analytics.feature.FeatureSchema.Formation;
import org.pilotline.analytics.feature.FeatureSchema.Pressure;
import org.pilotline.analytics.feature.FeatureSchema.Result;
import org.pilotline.analytics.feature.FeatureSchema.Stat;
import org.pilotline.analytics.feature.FeatureSchema.Summary;
import org.pilotline.analytics.feature.FeatureSchema.TagPattern;

/**
 * A hand-made cell: roll R1 coated over [0, 100 s), cell C1 pressed [200, 210), sealed [210, 220),
 * formed in channel ch2 [220, 260) and tested [260, 270). Every expected value is worked out by
 * hand in the comments.
 */
class FeatureCalculatorTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final double EPS = 1e-9;

  private static final FeatureSchema SCHEMA = new FeatureSchema(3,
      List.of(new Summary("coating.arealLoading", tag("coating", "coater", "arealLoading"), List.of(Stat.values())),
          new Summary("formation.temperature", tag("formation", "cycler", "{slot}Temperature"), List.of(Stat.MEAN))),
      new Exposure(tag("dryRoom", "dryRoomPlc", "dewPoint"), -45, tag("dryRoom", "dryRoomPlc", "h2s"),
          ExposureStart.ROLL, "sealing"),
      new Pressure(tag("isostaticPress", "wip", "pressure"), 500.0, null, 0.95,
          tag("formation", "cycler", "{slot}StackPressure")),
      new Formation(tag("formation", "cycler", "{slot}Capacity"), tag("formation", "cycler", "{slot}Current")),
      List.of(new Result("eol.ocv", tag("eol", "eolTester", "ocv")), new Result("eol.acir", tag("eol", "eolTester", "acir"))));

  private static TagPattern tag(String station, String equipment, String name) {
    return new TagPattern(station, equipment, name, null);
  }

  private static Instant at(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }

  private static final List<Window> WINDOWS = List.of(
      new Window("ROLL", "R1", "coating", "coater", "current", at(0), at(100)),
      new Window("CELL", "C1", "isostaticPress", "wip", "current", at(200), at(210)),
      new Window("CELL", "C1", "sealing", "sealer", "current", at(210), at(220)),
      new Window("CELL", "C1", "formation", "cycler", "ch2", at(220), at(260)),
      new Window("CELL", "C1", "eol", "eolTester", "current", at(260), at(270)));

  /** Readings by station/equipment/tag. */
  private static final class FixtureSeries implements FeatureCalculator.Series {
    final Map<String, List<Sample>> byTag = new HashMap<>();

    FixtureSeries add(String key, double... timeValuePairs) {
      List<Sample> xs = byTag.computeIfAbsent(key, k -> new ArrayList<>());
      for (int i = 0; i < timeValuePairs.length; i += 2) {
        xs.add(new Sample(at(timeValuePairs[i]), timeValuePairs[i + 1]));
      }
      return this;
    }

    @Override
    public List<Sample> between(String station, String equipment, String tag, Instant from, Instant to) {
      return byTag.getOrDefault(station + "/" + equipment + "/" + tag, List.of()).stream()
          .filter(s -> !s.ts().isBefore(from) && s.ts().isBefore(to)).toList();
    }

    @Override
    public Optional<Sample> before(String station, String equipment, String tag, Instant at) {
      return byTag.getOrDefault(station + "/" + equipment + "/" + tag, List.of()).stream()
          .filter(s -> s.ts().isBefore(at)).reduce((a, b) -> b);
    }
  }

  private static FixtureSeries fixture() {
    return new FixtureSeries()
        .add("coating/coater/arealLoading", 0, 20, 10, 21, 20, 19, 30, 20, 100, 99)
        .add("formation/cycler/ch2Temperature", 230, 25, 250, 27)
        .add("formation/cycler/ch1Temperature", 230, 80)
        // -50 before the interval; up through -45 to -40 at 110 s, back down through -45 by 130 s
        .add("dryRoom/dryRoomPlc/dewPoint", -10, -50, 100, -50, 110, -40, 120, -40, 130, -50)
        .add("dryRoom/dryRoomPlc/h2s", -5, 0.1, 100, 0.1, 200, 0.3)
        // ramp 0 -> 500 MPa in 2 s, hold, ramp down; the reading at 210 s is the next cell's
        .add("isostaticPress/wip/pressure", 200, 0, 201, 250, 202, 500, 203, 500, 204, 500, 205, 250, 206, 0, 210, 999)
        .add("formation/cycler/ch2StackPressure", 225, 4.9, 235, 5.0, 245, 5.1)
        .add("formation/cycler/ch1StackPressure", 225, 100)
        .add("formation/cycler/ch2Current", 220, 0.2, 230, 0.2, 240, 0, 245, -0.2, 255, -0.2, 259, 0)
        .add("formation/cycler/ch2Capacity", 225, 1.0, 235, 2.0, 240, 2.2, 245, 0.0, 250, 1.0, 255, 1.9, 259, 1.98)
        .add("eol/eolTester/ocv", 260, 3.70, 265, 3.71, 270, 3.5);
  }

  @Test
  void summariesAreTheStatisticsOfTheSamplesInTheRollsWindowAtThatStation() {
    FeatureVector v = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, fixture()).vector();
    // samples 20, 21, 19, 20 at 0, 10, 20, 30 s; the one at 100 s is after the window
    assertEquals(20.0, v.value("coating.arealLoading.mean"), EPS);
    assertEquals(Math.sqrt(2.0 / 3.0), v.value("coating.arealLoading.std"), EPS);
    assertEquals(19.0, v.value("coating.arealLoading.min"), EPS);
    assertEquals(21.0, v.value("coating.arealLoading.max"), EPS);
    // sum(dt*dv)/sum(dt^2) = (-5 - 5) / 500 per second = -0.02/s = -72/h
    assertEquals(-72.0, v.value("coating.arealLoading.slope"), EPS);
  }

  @Test
  void aTagReportedOnlyOnChangeHoldsItsLastValueIntoAWindowWithoutReadings() {
    // a deadband tag: last reported 50 s before the roll's window, nothing inside it
    FixtureSeries s = fixture();
    s.byTag.put("coating/coater/arealLoading", List.of(new Sample(at(-50), 20.5), new Sample(at(100), 99)));
    FeatureCalculator.Built built = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, s);
    assertEquals(20.5, built.vector().value("coating.arealLoading.mean"), EPS);
    assertEquals(20.5, built.vector().value("coating.arealLoading.max"), EPS);
    // one held value is one sample: no spread, no slope
    assertTrue(built.missing().get("coating.arealLoading.std").contains("fewer than two"), built.missing().toString());
  }

  @Test
  void theHeldValueCountsAsTheValueAtTheWindowStart() {
    // 18 in force at the start (reported at -5 s), then 22 at 50 s: samples 18 @ 0 s and 22 @ 50 s
    FixtureSeries s = fixture();
    s.byTag.put("coating/coater/arealLoading", List.of(new Sample(at(-5), 18), new Sample(at(50), 22)));
    FeatureVector v = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, s).vector();
    assertEquals(20.0, v.value("coating.arealLoading.mean"), EPS);
    assertEquals(18.0, v.value("coating.arealLoading.min"), EPS);
    // 4 per 50 s = 288 per hour
    assertEquals(288.0, v.value("coating.arealLoading.slope"), EPS);
  }

  @Test
  void aResultIsNotTakenFromBeforeTheCellsWindow() {
    // the previous cell's OCV belongs to that cell
    FixtureSeries s = fixture();
    s.byTag.put("eol/eolTester/ocv", List.of(new Sample(at(255), 3.70)));
    FeatureCalculator.Built built = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, s);
    assertTrue(Double.isNaN(built.vector().value("eol.ocv")));
  }

  @Test
  void aSlotPatternReadsTheChannelTheCellWasIn() {
    FeatureVector v = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, fixture()).vector();
    assertEquals(26.0, v.value("formation.temperature.mean"), EPS);
    assertEquals(5.0, v.value(Pressure.STACK_MEAN), EPS);
    assertEquals(0.1, v.value(Pressure.STACK_STD), EPS);
  }

  @Test
  void exposureIntegratesFromTheRollsFirstWindowToTheEndOfSealing() {
    FeatureVector v = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, fixture()).vector();
    assertEquals(220.0 / 3600, v.value(Exposure.HOURS), EPS);
    // above -45 °C: a triangle of 5 s x 5 °C / 2 either side and 10 s x 5 °C on top = 75 °C·s
    assertEquals(75.0 / 3600, v.value(Exposure.DEW_POINT_EXCESS), EPS);
    // 0.1 ppm x 100 s + (0.1 + 0.3) / 2 x 100 s + 0.3 held to 220 s x 20 s = 36 ppm·s
    assertEquals(36.0 / 3600, v.value(Exposure.H2S), EPS);
  }

  @Test
  void pressPeakAndHoldTimeAtOrAbove95PercentOfSetpoint() {
    FeatureVector v = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, fixture()).vector();
    assertEquals(500.0, v.value(Pressure.PEAK), EPS);
    // 475 MPa is crossed 0.1 s before 202 s and 0.1 s after 204 s
    assertEquals(2.2, v.value(Pressure.HOLD), EPS);
  }

  @Test
  void aSetpointTagGivesTheSetpointAsItsMeanOverTheWindow() {
    FeatureSchema bySetpointTag = new FeatureSchema(3, SCHEMA.summaries(), SCHEMA.exposure(),
        new Pressure(tag("isostaticPress", "wip", "pressure"), null, tag("isostaticPress", "wip", "setpoint"), 0.95,
            tag("formation", "cycler", "{slot}StackPressure")),
        SCHEMA.formation(), SCHEMA.results());
    // mean setpoint 260 MPa, level 247 MPa: crossed 0.012 s before 201 s, held to 205 s (250 MPa),
    // left 0.012 s after
    FixtureSeries s = fixture().add("isostaticPress/wip/setpoint", 200, 250, 205, 270);
    FeatureVector v = new FeatureCalculator(bySetpointTag).build("C1", at(270), WINDOWS, s).vector();
    assertEquals(0.012 + 4 + 0.012, v.value(Pressure.HOLD), 1e-9);
  }

  @Test
  void oneSampleOfThePressMeasuresNoHoldTime() {
    FixtureSeries s = fixture();
    s.byTag.put("isostaticPress/wip/pressure", List.of(new Sample(at(203), 500)));
    FeatureCalculator.Built built = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, s);
    assertEquals(500.0, built.vector().value(Pressure.PEAK), EPS);
    assertTrue(Double.isNaN(built.vector().value(Pressure.HOLD)));
    assertTrue(built.missing().get(Pressure.HOLD).contains("fewer than two"), built.missing().toString());
  }

  @Test
  void formationCapacityIsTheDischargeStepAndCeItsRatioToTheChargeStep() {
    FeatureVector v = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, fixture()).vector();
    assertEquals(1.98, v.value(Formation.CAPACITY), EPS);
    assertEquals(1.98 / 2.2, v.value(Formation.FIRST_CYCLE_CE), EPS);
  }

  @Test
  void aResultIsTheLastReadingInTheCellsWindowAndAMissingOneIsNaNWithAReason() {
    FeatureCalculator.Built built = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, fixture());
    assertEquals(3.71, built.vector().value("eol.ocv"), EPS);
    assertTrue(Double.isNaN(built.vector().value("eol.acir")));
    assertEquals(List.of("eol.acir"), List.copyOf(built.missing().keySet()));
    assertTrue(built.missing().get("eol.acir").contains("eol/eolTester/acir"), built.missing().toString());
    assertFalse(built.vector().complete());
  }

  @Test
  void aCellThatSkippedAStationHasNaNForItsFeaturesNotAnError() {
    List<Window> noFormation = WINDOWS.stream().filter(w -> !w.station().equals("formation")).toList();
    FeatureCalculator.Built built = new FeatureCalculator(SCHEMA).build("C1", at(270), noFormation, fixture());
    for (String f : List.of(Formation.CAPACITY, Formation.FIRST_CYCLE_CE, Pressure.STACK_MEAN, "formation.temperature.mean")) {
      assertTrue(Double.isNaN(built.vector().value(f)), f);
      assertTrue(built.missing().get(f).contains("no window"), built.missing().get(f));
    }
    assertEquals(500.0, built.vector().value(Pressure.PEAK), EPS);
  }

  @Test
  void aFormationWithoutDischargeHasNoCapacityOrCe() {
    FixtureSeries s = fixture();
    s.byTag.put("formation/cycler/ch2Current", List.of(new Sample(at(221), 0.2), new Sample(at(230), 0.2)));
    FeatureCalculator.Built built = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, s);
    assertTrue(Double.isNaN(built.vector().value(Formation.CAPACITY)));
    assertTrue(built.missing().get(Formation.FIRST_CYCLE_CE).contains("no discharge"));
  }

  @Test
  void theVectorCarriesTheSchemaVersionAndNamesInSchemaOrder() {
    FeatureVector v = new FeatureCalculator(SCHEMA).build("C1", at(270), WINDOWS, fixture()).vector();
    assertEquals(3, v.schemaVersion());
    assertEquals(SCHEMA.featureNames(), v.names());
    assertEquals(at(270), v.completedAt());
    assertEquals(List.of("coating.arealLoading.mean", "coating.arealLoading.std", "coating.arealLoading.min",
        "coating.arealLoading.max", "coating.arealLoading.slope", "formation.temperature.mean",
        Exposure.HOURS, Exposure.DEW_POINT_EXCESS, Exposure.H2S, Pressure.PEAK, Pressure.HOLD,
        Pressure.STACK_MEAN, Pressure.STACK_STD, Formation.CAPACITY, Formation.FIRST_CYCLE_CE, "eol.ocv", "eol.acir"),
        v.names());
  }
}
