package org.pilotline.acquisition.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.pilotline.acquisition.line.ConfigException;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.UserIdentity;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitRole;

class LineLoaderTest {
  private static final String FILE = "inline/line.yaml";

  /** The smallest line that exercises every part of the model; fault cases edit one spot. */
  private static final String VALID = """
      name: test line
      stations:
        - id: coating
          equipment:
            - id: coater
              endpointUrl: opc.tcp://127.0.0.1:4840/pilotline/coating
              units:
                - {name: current, nodeId: "ns=2;s=coating/unit/current", kind: roll, role: process}
              tags:
                - name: webSpeed
                  nodeId: "ns=2;s=coating/webSpeed"
                  unit: m/min
                  spec: {lsl: 1.8, usl: 2.2, target: 2.0}
        - id: formation
          name: Formation
          equipment:
            - id: cycler
              endpointUrl: opc.tcp://127.0.0.1:4840/pilotline/formation
              security: {policy: Basic256Sha256, mode: SignAndEncrypt}
              publishingIntervalMs: 1000
              units:
                - {name: ch1, nodeId: "nsu=urn:pilotline:sim;s=formation/cycler/unit/ch1", kind: cell, role: process}
              tags:
                - name: ch1Voltage
                  nodeId: "nsu=urn:pilotline:sim;s=formation/cycler/ch1Voltage"
                  unit: V
                  samplingMs: 250
                  slot: ch1
      route: [coating, formation]
      """;

  private static String edit(String from, String to) {
    int at = VALID.indexOf(from);
    assertTrue(at >= 0 && VALID.indexOf(from, at + 1) < 0, "edit target must occur once: " + from);
    return VALID.replace(from, to);
  }

  private static ConfigException failure(String yaml) {
    return assertThrows(ConfigException.class, () -> LineLoader.parse(yaml, FILE));
  }

  static Path shippedConfigDir() {
    String dir = System.getProperty("pilotline.config.dir");
    return dir != null && !dir.isBlank() ? Path.of(dir) : Path.of("..", "config");
  }

  @Nested
  class ShippedLine {
    private final Line line = LineLoader.load(shippedConfigDir().resolve("line.yaml"));

    @Test
    void hasTheTenStationsOfTheDemoInRouteOrder() {
      List<String> expected = List.of("dryRoom", "mixing", "coating", "calendering", "lamination",
          "stacking", "isostaticPress", "sealing", "formation", "eol");
      assertEquals(expected, line.stations().stream().map(Station::id).toList());
      assertEquals(expected, line.route());
    }

    @Test
    void formationHasFiveTagsForEachOfFourChannelsEachBoundToItsSlot() {
      Equipment cycler = line.station("formation").orElseThrow().equipment().get(0);
      Set<String> expected = IntStream.rangeClosed(1, 4).boxed()
          .flatMap(k -> Stream.of("Voltage", "Current", "Capacity", "Temperature", "StackPressure")
              .map(q -> "ch" + k + q))
          .collect(Collectors.toSet());
      assertEquals(expected, cycler.tags().stream().map(Tag::name).collect(Collectors.toSet()));
      for (Tag tag : cycler.tags()) {
        assertEquals(tag.name().substring(0, 3), tag.slot(), tag.name());
      }
      assertEquals(List.of("ch1", "ch2", "ch3", "ch4"),
          cycler.units().stream().map(UnitNode::name).toList());
    }

    @Test
    void everyNodeIdUsesTheSimulatorNamespaceAndTheStationEquipmentTagPath() {
      line.tagRefs().forEach(ref -> assertEquals(
          "nsu=urn:pilotline:sim;s=" + ref.key(), ref.tag().nodeId(), ref.key()));
      line.stations().forEach(s -> s.equipment().forEach(e -> {
        assertEquals("opc.tcp://127.0.0.1:4840/pilotline/" + s.id(), e.endpointUrl());
        e.units().forEach(u -> assertEquals(
            "nsu=urn:pilotline:sim;s=" + s.id() + "/" + e.id() + "/unit/" + u.name(), u.nodeId()));
      }));
    }

    @Test
    void thicknessShrinksFromWetToDryToCalendered() {
      double wet = target(line, "coating/coater/wetThickness");
      double dry = target(line, "coating/coater/dryThickness");
      double calendered = target(line, "calendering/calender/thicknessAfter");
      assertTrue(wet > dry && dry > calendered, wet + " > " + dry + " > " + calendered);
    }

    // Milo drops samples when the queue is shorter than publishing / sampling.
    @Test
    void queuesHoldAtLeastOnePublishingIntervalOfSamples() {
      line.stations().forEach(s -> s.equipment().forEach(e -> e.tags().forEach(t -> assertTrue(
          t.queueSize() >= Math.ceil(e.publishingIntervalMs() / t.samplingMs()), t.name()))));
    }

    private double target(Line l, String key) {
      return l.tagRefs().filter(r -> r.key().equals(key)).findFirst().orElseThrow()
          .tag().spec().target();
    }
  }

  @Nested
  class Defaults {
    private final Line line = LineLoader.parse(VALID, FILE);

    @Test
    void omittedKeysTakeTheDocumentedDefaults() {
      Equipment coater = line.equipment().filter(e -> e.id().equals("coater")).findFirst().orElseThrow();
      Tag webSpeed = coater.tags().get(0);
      assertEquals(EndpointSecurity.NONE, coater.security());
      assertEquals(500.0, coater.publishingIntervalMs());
      assertEquals(100.0, webSpeed.samplingMs());
      assertEquals(5, webSpeed.queueSize());
      assertEquals(0.0, webSpeed.deadband());
      assertNull(webSpeed.slot());
      assertEquals("coating", line.station("coating").orElseThrow().name());
    }

    @Test
    void queueSizeCoversOnePublishingIntervalRoundedUp() {
      // cycler: publishing 1000 ms, sampling 250 ms
      Tag voltage = line.station("formation").orElseThrow().equipment().get(0).tags().get(0);
      assertEquals(4, voltage.queueSize());
      assertEquals(1, LineLoader.defaultQueueSize(100, 500));
      assertEquals(3, LineLoader.defaultQueueSize(500, 200));
    }

    @Test
    void givenValuesAreKept() {
      Equipment cycler = line.station("formation").orElseThrow().equipment().get(0);
      assertEquals(new EndpointSecurity("Basic256Sha256", "SignAndEncrypt"), cycler.security());
      assertEquals(new SpecLimits(1.8, 2.2, 2.0),
          line.station("coating").orElseThrow().equipment().get(0).tags().get(0).spec());
      assertEquals("ch1", cycler.tags().get(0).slot());
      assertEquals(new UnitNode("ch1", "nsu=urn:pilotline:sim;s=formation/cycler/unit/ch1",
          UnitKind.CELL, UnitRole.PROCESS), cycler.units().get(0));
    }

    @Test
    void routeDefaultsToStationOrder() {
      Line noRoute = LineLoader.parse(edit("route: [coating, formation]\n", ""), FILE);
      assertEquals(List.of("coating", "formation"), noRoute.route());
    }

    @Test
    void routeMayVisitASubsetInItsOwnOrder() {
      Line reordered = LineLoader.parse(edit("route: [coating, formation]", "route: [formation]"), FILE);
      assertEquals(List.of("formation"), reordered.route());
    }

    // Anchors and merge keys let a large line share tag settings.
    @Test
    void anchorsAndMergeKeysAreResolved() {
      String yaml = edit(
          "          - name: webSpeed\n"
              + "            nodeId: \"ns=2;s=coating/webSpeed\"\n"
              + "            unit: m/min\n"
              + "            spec: {lsl: 1.8, usl: 2.2, target: 2.0}\n",
          "          - &fast {name: webSpeed, nodeId: \"ns=2;s=coating/webSpeed\", samplingMs: 50}\n"
              + "          - <<: *fast\n"
              + "            name: webSpeedSetpoint\n"
              + "            nodeId: \"ns=2;s=coating/webSpeedSetpoint\"\n");
      Line merged = LineLoader.parse(yaml, FILE);
      Tag setpoint = merged.station("coating").orElseThrow().equipment().get(0).tags().get(1);
      assertEquals("webSpeedSetpoint", setpoint.name());
      assertEquals(50.0, setpoint.samplingMs());
    }
  }

  /** One row per kind of fault: the message names the file, the exact key path and the fault. */
  static Stream<Arguments> faults() {
    String tag0 = "stations[0].equipment[0].tags[0]";
    return Stream.of(
        Arguments.of("missing key",
            edit("            nodeId: \"ns=2;s=coating/webSpeed\"\n", ""),
            tag0 + ".nodeId", "missing required key"),
        Arguments.of("bad NodeId",
            edit("ns=2;s=coating/webSpeed", "ns=2;x=7"),
            tag0 + ".nodeId", "not a NodeId: \"ns=2;x=7\""),
        Arguments.of("duplicate tag",
            edit("            unit: V\n", "            unit: V\n          - name: ch1Voltage\n            nodeId: \"ns=2;i=7\"\n"),
            "stations[1].equipment[0].tags[1].name", "duplicate tag name in this equipment: \"ch1Voltage\""),
        Arguments.of("LSL > USL",
            edit("{lsl: 1.8, usl: 2.2, target: 2.0}", "{lsl: 2.5, usl: 2.2}"),
            tag0 + ".spec", "lsl \"2.5\" is greater than usl \"2.2\""),
        Arguments.of("target outside limits",
            edit("{lsl: 1.8, usl: 2.2, target: 2.0}", "{lsl: 1.8, usl: 2.2, target: 2.4}"),
            tag0 + ".spec.target", "target \"2.4\" is outside [lsl \"1.8\", usl \"2.2\"]"),
        Arguments.of("bad endpoint URL",
            edit("opc.tcp://127.0.0.1:4840/pilotline/coating", "opc.tcp://127.0.0.1:70000/pilotline/coating"),
            "stations[0].equipment[0].endpointUrl", "port is not in 1..65535: \"opc.tcp://127.0.0.1:70000/pilotline/coating\""),
        Arguments.of("endpoint URL of another scheme",
            edit("opc.tcp://127.0.0.1:4840/pilotline/coating", "http://127.0.0.1:4840/x"),
            "stations[0].equipment[0].endpointUrl", "not an OPC UA endpoint URL: \"http://127.0.0.1:4840/x\""),
        Arguments.of("unknown station reference",
            edit("route: [coating, formation]", "route: [coating, aging]"),
            "route[1]", "unknown station reference: \"aging\"; stations: coating, formation"),
        Arguments.of("unknown slot reference",
            edit("slot: ch1", "slot: ch5"),
            "stations[1].equipment[0].tags[0].slot", "unknown slot reference: \"ch5\"; slots of cycler: ch1"),
        Arguments.of("wrong type",
            edit("            unit: m/min\n", "            unit: m/min\n            samplingMs: fast\n"),
            tag0 + ".samplingMs", "expected a number, got a string: \"fast\""),
        Arguments.of("unknown key",
            edit("            unit: m/min\n", "            unit: m/min\n            smaplingMs: 100\n"),
            tag0 + ".smaplingMs", "unknown key \"smaplingMs\" (did you mean \"samplingMs\"?); allowed: name, nodeId"),
        Arguments.of("duplicate station id",
            edit("  - id: formation", "  - id: coating").replace("route: [coating, formation]\n", ""),
            "stations[1].id", "duplicate station id: \"coating\" (first at stations[0].id)"),
        Arguments.of("duplicate equipment id across stations",
            edit("- id: cycler", "- id: coater"),
            "stations[1].equipment[0].id", "duplicate equipment id (line-wide): \"coater\""),
        Arguments.of("duplicate unit slot",
            edit("role: process}\n        tags:\n          - name: webSpeed",
                "role: process}\n          - {name: current, nodeId: \"ns=2;i=1\", kind: lot, role: input}\n        tags:\n          - name: webSpeed"),
            "stations[0].equipment[0].units[1].name", "duplicate unit slot name in this equipment: \"current\""),
        Arguments.of("security policy without mode",
            edit("mode: SignAndEncrypt", "mode: None"),
            "stations[1].equipment[0].security", "policy \"Basic256Sha256\" does not fit mode \"None\""),
        Arguments.of("unknown security policy",
            edit("policy: Basic256Sha256", "policy: Basic128Rsa15"),
            "stations[1].equipment[0].security.policy", "must be one of None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss: \"Basic128Rsa15\""),
        Arguments.of("password in clear",
            edit("mode: SignAndEncrypt}", "mode: SignAndEncrypt, identity: {type: userName, userName: op, password: x}}"),
            "stations[1].equipment[0].security.identity.password", "a password is never written in line.yaml"),
        Arguments.of("user name without a password source",
            edit("mode: SignAndEncrypt}", "mode: SignAndEncrypt, identity: {type: userName, userName: op}}"),
            "stations[1].equipment[0].security.identity", "give exactly one of passwordFile"),
        Arguments.of("user name with two password sources",
            edit("mode: SignAndEncrypt}",
                "mode: SignAndEncrypt, identity: {type: userName, userName: op, passwordFile: p, passwordEnv: P}}"),
            "stations[1].equipment[0].security.identity", "give exactly one of passwordFile"),
        Arguments.of("password variable that is not a name",
            edit("mode: SignAndEncrypt}", "mode: SignAndEncrypt, identity: {type: userName, userName: op, passwordEnv: \"$PW\"}}"),
            "stations[1].equipment[0].security.identity.passwordEnv", "not an environment variable name: \"$PW\""),
        Arguments.of("unknown identity type",
            edit("mode: SignAndEncrypt}", "mode: SignAndEncrypt, identity: {type: kerberos}}"),
            "stations[1].equipment[0].security.identity.type", "must be one of anonymous, userName, x509: \"kerberos\""),
        Arguments.of("x509 without its key",
            edit("mode: SignAndEncrypt}", "mode: SignAndEncrypt, identity: {type: x509, certificateFile: op.der}}"),
            "stations[1].equipment[0].security.identity.privateKeyFile", "missing required key"),
        Arguments.of("key of another identity type",
            edit("mode: SignAndEncrypt}", "mode: SignAndEncrypt, identity: {type: anonymous, userName: op}}"),
            "stations[1].equipment[0].security.identity.userName", "does not belong to identity type \"anonymous\""),
        Arguments.of("unknown unit kind",
            edit("kind: cell", "kind: module"),
            "stations[1].equipment[0].units[0].kind", "must be one of lot, roll, cell: \"module\""),
        Arguments.of("negative sampling interval",
            edit("samplingMs: 250", "samplingMs: -1"),
            "stations[1].equipment[0].tags[0].samplingMs", "must be >= 0: \"-1\""),
        Arguments.of("zero queue",
            edit("samplingMs: 250", "samplingMs: 250\n            queueSize: 0"),
            "stations[1].equipment[0].tags[0].queueSize", "must be in 1..2147483647: \"0\""),
        Arguments.of("negative deadband",
            edit("samplingMs: 250", "deadband: -0.5"),
            "stations[1].equipment[0].tags[0].deadband", "must be >= 0: \"-0.5\""),
        Arguments.of("zero publishing interval",
            edit("publishingIntervalMs: 1000", "publishingIntervalMs: 0"),
            "stations[1].equipment[0].publishingIntervalMs", "must be > 0: \"0\""),
        Arguments.of("id with a slash",
            edit("- id: cycler", "- id: cycler/1"),
            "stations[1].equipment[0].id", "not a valid id"),
        Arguments.of("boolean where a string is expected",
            edit("unit: V", "unit: on"),
            "stations[1].equipment[0].tags[0].unit", "expected a string, got a boolean: \"true\" (quote it"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void faultNamesFileKeyPathAndFault(String kind, String yaml, String path, String fault) {
    ConfigException e = failure(yaml);

    assertEquals(FILE, e.file());
    assertEquals(path, e.path());
    assertTrue(e.fault().contains(fault), e.fault());
    assertTrue(e.getMessage().startsWith(FILE + ": " + path + ": "), e.getMessage());
    assertEquals(1, e.errors().size(), e.getMessage());
  }

  @Nested
  class WholeFile {
    @Test
    void emptyFileIsAFault() {
      ConfigException e = failure("# nothing but a comment\n");
      assertEquals("", e.path());
      assertTrue(e.getMessage().startsWith(FILE + ": file is empty"), e.getMessage());
    }

    @Test
    void rootThatIsNotAMappingIsAFault() {
      ConfigException e = failure("- a\n- b\n");
      assertTrue(e.fault().startsWith("expected a mapping (name, stations, route) at the top, got a list"),
          e.fault());
    }

    @Test
    void everyFaultIsReportedOnePerLineFirstOneInTheFields() {
      String yaml = edit("ns=2;s=coating/webSpeed", "ns=2;x=7").replace("slot: ch1", "slot: ch5");
      ConfigException e = failure(yaml);

      assertEquals("stations[0].equipment[0].tags[0].nodeId", e.path());
      assertEquals(List.of(
              FILE + ": stations[0].equipment[0].tags[0].nodeId: " + LineLoader.nodeIdFault("ns=2;x=7"),
              FILE + ": stations[1].equipment[0].tags[0].slot: unknown slot reference: \"ch5\"; slots of cycler: ch1"),
          e.getMessage().lines().toList());
      assertEquals(2, e.errors().size());
    }

    @Test
    void syntaxErrorNamesLineAndColumn() {
      ConfigException e = failure("name: x\nstations: [\n  - id: a\n");
      assertTrue(e.fault().startsWith("not valid YAML at line "), e.fault());
    }

    @Test
    void duplicateYamlKeyIsAFaultNotLastOneWins() {
      ConfigException e = failure("name: a\nname: b\nstations: []\n");
      assertTrue(e.fault().contains("duplicate key name"), e.fault());
    }

    // Exponential alias expansion would exhaust memory; the parser's alias limit stops it.
    @Test
    void aliasBombIsRejected() {
      StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
      for (int i = 1; i < 30; i++) {
        yaml.append("a").append(i).append(": &a").append(i).append(" [");
        for (int j = 0; j < 10; j++) {
          yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
        }
        yaml.append("]\n");
      }
      ConfigException e = failure(yaml.toString());
      assertTrue(e.fault().startsWith("not valid YAML"), e.fault());
    }

    @Test
    void missingFileIsAFault(@TempDir Path dir) {
      Path missing = dir.resolve("line.yaml");
      ConfigException e = assertThrows(ConfigException.class, () -> LineLoader.load(missing));
      assertEquals(missing.toString() + ": file not found", e.getMessage());
    }

    @Test
    void loadNamesTheFileAsGiven(@TempDir Path dir) throws Exception {
      Path file = Files.writeString(dir.resolve("line.yaml"), edit("slot: ch1", "slot: ch9"));
      ConfigException e = assertThrows(ConfigException.class, () -> LineLoader.load(file));
      assertEquals(file.toString(), e.file());
    }
  }

  @Nested
  class NodeIdSyntax {
    @ParameterizedTest
    @ValueSource(strings = {
        "ns=2;s=Coater/WebSpeed", "ns=0;i=2258", "i=2258", "ns=65535;i=4294967295",
        "nsu=urn:pilotline:sim;s=coating/coater/webSpeed", "nsu=http://opcfoundation.org/UA/;i=85",
        "ns=3;g=09087e75-8e5e-499b-954f-f2a9603db28a", "ns=4;b=M/RbKBsRVkePCePcx24oRA==",
        "ns=2;s=a;b=c with spaces"})
    void acceptsTheStandardForms(String nodeId) {
      assertNull(LineLoader.nodeIdFault(nodeId));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ns=2;x=7", "", "Coater/WebSpeed", "ns=65536;i=1", "ns=2;i=4294967296", "ns=2;i=-1",
        "ns=2;s=", "nsu=;s=a", "ns=2;g=not-a-guid", "ns=2;b=%%%", "ns=a;i=1", "svr=1;ns=2;i=1"})
    void rejectsEverythingElse(String nodeId) {
      assertTrue(LineLoader.nodeIdFault(nodeId).startsWith("not a NodeId"), nodeId);
    }
  }

  @Nested
  class EndpointSyntax {
    @ParameterizedTest
    @ValueSource(strings = {
        "opc.tcp://127.0.0.1:4840", "opc.tcp://plc-7.line2.example:48010/UA/Server",
        "opc.tcp://[::1]:4840/x", "opc.tcp://edge_gw:1"})
    void acceptsHostPortAndOptionalPath(String url) {
      assertNull(LineLoader.endpointFault(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "opc.tcp://127.0.0.1", "opc.tcp://127.0.0.1:0", "opc.tcp://127.0.0.1:65536",
        "opc.https://127.0.0.1:443", "opc.tcp://:4840", "opc.tcp://a b:4840", "127.0.0.1:4840"})
    void rejectsOthers(String url) {
      assertTrue(LineLoader.endpointFault(url) != null, url);
    }
  }

  @Nested
  class Identities {
    private EndpointSecurity securityOf(String identity) {
      Line line = LineLoader.parse(edit("mode: SignAndEncrypt}", "mode: SignAndEncrypt, identity: " + identity + "}"), FILE);
      return line.station("formation").orElseThrow().equipment().get(0).security();
    }

    @Test
    void identityDefaultsToAnonymous() {
      Line line = LineLoader.parse(VALID, FILE);
      assertEquals(UserIdentity.ANONYMOUS, line.station("formation").orElseThrow().equipment().get(0).security().identity());
    }

    @Test
    void userNameTakesItsPasswordFromAFileOrAnEnvironmentVariable() {
      assertEquals(new UserIdentity.UserName("operator", Path.of("/etc/pilotline/coater.password"), null),
          securityOf("{type: userName, userName: operator, passwordFile: /etc/pilotline/coater.password}").identity());
      assertEquals(new UserIdentity.UserName("operator", null, "PILOTLINE_CYCLER_PASSWORD"),
          securityOf("{type: userName, userName: operator, passwordEnv: PILOTLINE_CYCLER_PASSWORD}").identity());
    }

    @Test
    void x509NamesCertificateAndKeyFiles() {
      assertEquals(new UserIdentity.X509(Path.of("pki/user/op.der"), Path.of("pki/user/op.key")),
          securityOf("{type: x509, certificateFile: pki/user/op.der, privateKeyFile: pki/user/op.key}").identity());
    }
  }
}
