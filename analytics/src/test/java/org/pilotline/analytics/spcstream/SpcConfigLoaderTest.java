package org.pilotline.analytics.spcstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.ConfigException;
import org.pilotline.acquisition.line.Line;
import org.pilotline.analytics.spc.ControlLimits;
import org.pilotline.analytics.spc.CusumSettings;
import org.pilotline.analytics.spc.EwmaSettings;
import org.pilotline.analytics.spc.LimitSource;
import org.pilotline.analytics.spc.SpcRule;
import org.pilotline.analytics.spc.Subgrouping;
import org.pilotline.analytics.spc.TagSpcSettings;

class SpcConfigLoaderTest {
  private static final String FILE = "config/spc.yaml";
  private static final Line LINE = LineLoader.parse("""
      name: test
      stations:
        - id: coating
          equipment:
            - id: coater
              endpointUrl: opc.tcp://127.0.0.1:4840/x
              tags:
                - {name: dryThickness, nodeId: "ns=2;s=a", spec: {lsl: 104, usl: 116, target: 110}}
                - {name: webSpeed, nodeId: "ns=2;s=b", spec: {lsl: 1.8, usl: 2.2}}
                - {name: noSpec, nodeId: "ns=2;s=c"}
                - {name: exactCount, nodeId: "ns=2;s=d", spec: {lsl: 8, usl: 8}}
                - {name: upperOnly, nodeId: "ns=2;s=e", spec: {usl: 1}}
      """, "line.yaml");

  private static SpcConfig parse(String yaml) {
    return SpcConfigLoader.parse(yaml, FILE, LINE);
  }

  private static ConfigException fault(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml));
  }

  @Test
  void aTagWithoutChartKeysGetsTheBuiltInDefaults() {
    TagSpcSettings s = parse("""
        tags:
          - tag: coating/coater/dryThickness
            limits: {center: 110, sigma: 1.5}
        """).tags().get(0);
    assertEquals(new LimitSource.Given(ControlLimits.of(110, 1.5)), s.limits());
    assertEquals(new Subgrouping.Individual(), s.subgrouping());
    assertEquals(SpcConfigLoader.DEFAULT_RULES, s.rules());
    assertEquals(SpcConfigLoader.DEFAULT_EWMA, s.ewma());
    assertEquals(SpcConfigLoader.DEFAULT_CUSUM, s.cusum());
    assertEquals(SpcConfigLoader.DEFAULT_HOLD_OFF, s.holdOff());
    assertEquals(104.0, s.lsl());
    assertEquals(116.0, s.usl());
    assertEquals(SpcConfigLoader.DEFAULT_CAPABILITY_WINDOW, s.capabilityWindow());
  }

  @Test
  void theDefaultsBlockAndTheTagOverrideEachKey() {
    SpcConfig c = parse("""
        capability: {window: 200, refreshMs: 1000}
        defaults:
          subgroup: {bucketMs: 1000}
          rules: [NELSON]
          ewma: {lambda: 0.2, width: 2.962}
          cusum: false
          holdOff: 10
        tags:
          - tag: coating/coater/dryThickness
            limits: {lcl: 104, ucl: 116}
          - tag: coating/coater/webSpeed
            limits: {baseline: 50}
            subgroup: {size: 5}
            rules: [WE_1, NELSON_3]
            ewma: false
            cusum: {k: 0.25, h: 8}
            holdOff: 0
        """);
    assertEquals(1000, c.capabilityRefreshMs());
    TagSpcSettings a = c.tags().get(0);
    assertEquals(new LimitSource.Given(ControlLimits.of(110, 2)), a.limits());
    assertEquals(new Subgrouping.TimeBucket(Duration.ofSeconds(1)), a.subgrouping());
    assertEquals(8, a.rules().size());
    assertEquals(new EwmaSettings(0.2, 2.962), a.ewma());
    assertNull(a.cusum());
    assertEquals(10, a.holdOff());
    assertEquals(200, a.capabilityWindow());
    TagSpcSettings b = c.tags().get(1);
    assertEquals(new LimitSource.FirstPoints(50), b.limits());
    assertEquals(new Subgrouping.MeanOf(5), b.subgrouping());
    assertEquals(EnumSet.of(SpcRule.WE_1, SpcRule.NELSON_3), b.rules());
    assertNull(b.ewma());
    assertEquals(new CusumSettings(0.25, 8), b.cusum());
    assertEquals(0, b.holdOff());
  }

  @Test
  void aStoredBaselineWindowIsReadQuotedOrNot() {
    SpcConfig c = parse("""
        tags:
          - tag: coating/coater/dryThickness
            limits: {baselineFrom: 2026-11-01T00:00:00Z, baselineTo: "2026-11-02T00:00:00Z"}
        """);
    assertEquals(new LimitSource.StoredWindow(Instant.parse("2026-11-01T00:00:00Z"),
        Instant.parse("2026-11-02T00:00:00Z")), c.tags().get(0).limits());
  }

  @Test
  void aTagWithoutLimitsGetsCapabilityOnlyAndAllSpecTagsAddsTheRest() {
    SpcConfig c = parse("""
        capability: {allSpecTags: true}
        tags:
          - tag: coating/coater/webSpeed
        """);
    // webSpeed as listed; then dryThickness and upperOnly from the line; noSpec has no spec
    // limits and exactCount has lsl = usl, so neither gets an index.
    assertEquals(List.of("coating/coater/webSpeed", "coating/coater/dryThickness",
        "coating/coater/upperOnly"), c.tags().stream().map(TagSpcSettings::tagKey).toList());
    assertTrue(c.tags().stream().noneMatch(TagSpcSettings::charted));
    assertNull(c.tags().get(2).lsl());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', textBlock = """
      tags: [{tag: coating/coater/nope, limits: {baseline: 20}}]                            | tags[0].tag: no such tag in the line: "coating/coater/nope"
      tags: [{tag: coating/coater/dryThickness, limits: {center: 1, sigma: -1}}]            | tags[0].limits.sigma: must be > 0, got -1.0
      tags: [{tag: coating/coater/dryThickness, limits: {center: 1}}]                       | tags[0].limits.sigma: missing required key
      tags: [{tag: coating/coater/dryThickness, limits: {lcl: 5, ucl: 5}}]                  | tags[0].limits.ucl: must be above lcl 5.0, got 5.0
      tags: [{tag: coating/coater/dryThickness, limits: {baseline: 5}}]                     | tags[0].limits.baseline: must be 20..1000000 charted points, got 5
      tags: [{tag: coating/coater/dryThickness, limits: {baseline: 20, lcl: 1, ucl: 2}}]    | tags[0].limits: several kinds of limits given (lcl/ucl, baseline)
      tags: [{tag: coating/coater/dryThickness, limits: {baselineFrom: yesterday, baselineTo: "2026-11-02T00:00:00Z"}}] | tags[0].limits.baselineFrom: not an ISO-8601 UTC time
      tags: [{tag: coating/coater/dryThickness, limits: {baseline: 20}, rules: [NELSON_9]}] | tags[0].rules[0]: unknown rule "NELSON_9"; known: NELSON_1
      tags: [{tag: coating/coater/dryThickness, limits: {baseline: 20}, rules: [NELSON_2, WE_4]}] | tags[0].rules: NELSON_2 and WE_4 are the same rule with different run lengths
      tags: [{tag: coating/coater/dryThickness, limits: {baseline: 20}, rules: [NELSON_1, WE_1]}] | tags[0].rules: NELSON_1 and WE_1 are the same rule; keep one
      tags: [{tag: coating/coater/dryThickness, limits: {baseline: 20}, subgroup: {size: 5, bucketMs: 100}}] | tags[0].subgroup: give exactly one of size
      tags: [{tag: coating/coater/dryThickness, limits: {baseline: 20}, ewma: {lambda: 1.5, width: 3}}] | tags[0].ewma.lambda: must be in (0, 1], got 1.5
      tags: [{tag: coating/coater/dryThickness, limits: {baseline: 20}, cusum: {k: 0.5}}]  | tags[0].cusum.h: missing required key
      tags: [{tag: coating/coater/dryThickness, limits: {baseline: 20}, holdOff: -1}]       | tags[0].holdOff: must be 0..1000000 charted points, got -1
      tags: [{tag: coating/coater/dryThickness, limits: {baseline: 20}, rules: [], ewma: false, cusum: false}] | tags[0]: no rules, ewma or cusum
      tags: [{tag: coating/coater/dryThickness, rules: [WE_1]}]                             | tags[0].rules: needs control limits
      tags: [{tag: coating/coater/noSpec}]                                                  | tags[0]: tag "coating/coater/noSpec" has no limits here and no spec limits in the line: nothing to monitor
      tags: [{tag: coating/coater/exactCount}]                                              | tags[0]: tag "coating/coater/exactCount" has no limits here and its spec limits are equal
      tags: [{tag: coating/coater/dryThickness, limit: {baseline: 20}}]                     | tags[0].limit: unknown key "limit" (did you mean "limits"?)
      tags: [{tag: coating/coater/webSpeed}, {tag: coating/coater/webSpeed}]                | tags[1].tag: tag "coating/coater/webSpeed" is already listed at tags[0]
      capability: {window: 1}\\ntags: []                                                    | capability.window: must be 0 (no Cpk/Ppk) or 2..1000000 values, got 1
      """)
  void faultsNameTheFileTheKeyPathAndTheFault(String yaml, String expected) {
    ConfigException e = fault(yaml.replace("\\n", "\n"));
    String wanted = FILE + ": " + expected;
    assertTrue(e.getMessage().lines().anyMatch(l -> l.startsWith(wanted)),
        () -> "expected a line starting with\n  " + wanted + "\ngot\n  " + e.getMessage());
  }

  @Test
  void everyFaultIsReportedAtOnce() {
    ConfigException e = fault("""
        tags:
          - {tag: coating/coater/nope, limits: {baseline: 20}}
          - {tag: coating/coater/dryThickness, limits: {center: 1, sigma: 0}}
        """);
    assertEquals(2, e.errors().size());
    assertEquals("tags[1].limits.sigma", e.errors().get(1).path());
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("spc.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> SpcConfigLoader.load(missing, LINE));
    assertEquals(missing + ": file not found", e.getMessage());
  }

  @Test
  void theDemoConfigLoadsAgainstTheDemoLine() {
    Path config = Path.of(System.getProperty("user.dir")).getParent().resolve("config");
    Line demo = LineLoader.load(config.resolve("line.yaml"));
    SpcConfig c = SpcConfigLoader.load(config.resolve("spc.yaml"), demo);
    assertTrue(c.tags().stream().filter(TagSpcSettings::charted).count() >= 3);
  }
}
