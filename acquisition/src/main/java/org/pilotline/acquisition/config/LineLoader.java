package org.pilotline.acquisition.config;

import static org.pilotline.acquisition.config.ConfigReader.child;
import static org.pilotline.acquisition.config.ConfigReader.index;
import static org.pilotline.acquisition.config.ConfigReader.quote;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

/**
 * Reads {@code line.yaml} into a {@link Line}. Everything is validated before anything is built,
 * and every fault is reported at once, each naming the file, the key path and the fault:
 * {@code config/line.yaml: stations[3].equipment[0].tags[2].nodeId: not a NodeId: "ns=2;x=7"}.
 *
 * <p>The defaults for omitted keys are documented at the top of {@code config/line.yaml}.
 */
public final class LineLoader {
  /** Sampling interval of a tag that does not give one. */
  public static final double DEFAULT_SAMPLING_MS = 100;
  /** Publishing interval of an equipment's subscription when it does not give one. */
  public static final double DEFAULT_PUBLISHING_INTERVAL_MS = 500;
  /** The sampling rate assumed for samplingMs 0 (the server's fastest) when sizing queues. */
  static final double FASTEST_SAMPLING_ASSUMED_MS = 10;

  static final List<String> SECURITY_POLICIES =
      List.of("None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss");
  static final List<String> SECURITY_MODES = List.of("None", "Sign", "SignAndEncrypt");

  private static final List<String> LINE_KEYS = List.of("name", "stations", "route");
  private static final List<String> STATION_KEYS = List.of("id", "name", "equipment");
  private static final List<String> EQUIPMENT_KEYS =
      List.of("id", "endpointUrl", "security", "publishingIntervalMs", "tags", "units");
  private static final List<String> SECURITY_KEYS = List.of("policy", "mode", "identity");
  private static final List<String> IDENTITY_TYPES = List.of("anonymous", "userName", "x509");
  private static final List<String> IDENTITY_KEYS =
      List.of("type", "userName", "passwordFile", "passwordEnv", "certificateFile", "privateKeyFile");
  // POSIX portable environment variable names.
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final List<String> TAG_KEYS =
      List.of("name", "nodeId", "unit", "samplingMs", "queueSize", "deadband", "spec", "slot");
  private static final List<String> SPEC_KEYS = List.of("lsl", "usl", "target");
  private static final List<String> UNIT_KEYS = List.of("name", "nodeId", "kind", "role");

  // Ids end up in tag keys (station/equipment/tag) and URL paths: no '/', no blanks.
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  // OPC UA Part 6, 5.3.1.10: [ns=<index>;|nsu=<uri>;]<i|s|g|b>=<identifier>; no prefix is ns=0.
  private static final Pattern NODE_ID = Pattern.compile(
      "(?:ns=(?<ns>[0-9]{1,5});|nsu=(?<nsu>[^;]+);)?"
          + "(?:i=(?<i>[0-9]{1,10})|s=(?<s>.+)"
          + "|g=(?<g>\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12})"
          + "|b=(?<b>[A-Za-z0-9+/]+={0,2}))",
      Pattern.DOTALL);

  private static final Pattern ENDPOINT = Pattern.compile(
      "opc\\.tcp://(?<host>\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(?::(?<port>[0-9]+))?(?<path>/\\S*)?",
      Pattern.CASE_INSENSITIVE);

  private LineLoader() {}

  /**
   * Reads and validates a line file.
   *
   * @throws ConfigException naming the file, key path and fault; all faults when there are several
   */
  public static Line load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), "", "file not found");
    } catch (CharacterCodingException e) {
      throw new ConfigException(file.toString(), "", "not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "", "cannot read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /**
   * Validates YAML text as a line file.
   *
   * @param fileName what messages call the file
   * @throws ConfigException naming the file, key path and fault; all faults when there are several
   */
  public static Line parse(String yamlText, String fileName) {
    Object root = ConfigReader.parseYaml(yamlText, fileName);
    if (root == null) {
      throw new ConfigException(fileName, "", "file is empty; expected a line with name and stations");
    }
    ConfigReader r = new ConfigReader(fileName);
    if (!(root instanceof Map)) {
      throw new ConfigException(fileName, "", "expected a mapping (name, stations, route) at the top, got "
          + ConfigReader.typeName(root) + ": " + quote(root));
    }
    Line line = new Builder(r).line(root);
    r.throwIfAny();
    return line;
  }

  /**
   * Why {@code text} is not an OPC UA NodeId in string form, or null when it is one. Accepted:
   * {@code ns=<0..65535>;} or {@code nsu=<uri>;} (or neither, for namespace 0) followed by
   * {@code i=<uint32>}, {@code s=<string>}, {@code g=<guid>} or {@code b=<base64>}.
   */
  static String nodeIdFault(String text) {
    if (!text.equals(text.strip())) {
      // Legal in a string identifier, but in a config file nearly always a slip; the client refuses it too.
      return "not a NodeId: leading or trailing blanks: " + quote(text);
    }
    Matcher m = NODE_ID.matcher(text);
    if (!m.matches()) {
      return "not a NodeId: " + quote(text)
          + " (expected ns=<index>; or nsu=<uri>; then i=<uint32>, s=<string>, g=<guid> or b=<base64>)";
    }
    if (m.group("ns") != null && Integer.parseInt(m.group("ns")) > 0xFFFF) {
      return "not a NodeId: namespace index above 65535: " + quote(text);
    }
    if (m.group("i") != null && Long.parseLong(m.group("i")) > 0xFFFF_FFFFL) {
      return "not a NodeId: numeric identifier above 4294967295: " + quote(text);
    }
    if (m.group("b") != null) {
      try {
        Base64.getDecoder().decode(m.group("b"));
      } catch (IllegalArgumentException e) {
        return "not a NodeId: opaque identifier is not base64: " + quote(text);
      }
    }
    return null;
  }

  /** Why {@code url} is not {@code opc.tcp://host:port[/path]} with port 1..65535, or null. */
  static String endpointFault(String url) {
    Matcher m = ENDPOINT.matcher(url);
    String expected = " (expected opc.tcp://host:port[/path])";
    if (!m.matches()) {
      return "not an OPC UA endpoint URL: " + quote(url) + expected;
    }
    if (m.group("port") == null) {
      return "endpoint URL has no port: " + quote(url) + expected;
    }
    String port = m.group("port");
    if (port.length() > 5 || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      return "endpoint URL port is not in 1..65535: " + quote(url);
    }
    return null;
  }

  /** One pass over the tree; holds what cross-references need (ids seen and where). */
  private static final class Builder {
    private final ConfigReader r;
    private final Map<String, String> stationIds = new LinkedHashMap<>();
    private final Map<String, String> equipmentIds = new HashMap<>();

    Builder(ConfigReader r) {
      this.r = r;
    }

    Line line(Object root) {
      Map<String, Object> map = r.mapping(root, "");
      if (map == null) {
        return null;
      }
      int before = r.errorCount();
      r.allowOnly(map, "", LINE_KEYS);
      String name = r.string(r.required(map, "name", ""), "name");
      List<Station> stations = new ArrayList<>();
      Object stationsNode = r.required(map, "stations", "");
      if (stationsNode != null) {
        List<Object> items = r.list(stationsNode, "stations");
        if (items != null) {
          if (items.isEmpty()) {
            r.error("stations", "must list at least one station");
          }
          for (int i = 0; i < items.size(); i++) {
            stations.add(station(items.get(i), index("stations", i)));
          }
        }
      }
      List<String> route = route(map.get("route"));
      if (r.errorCount() > before) {
        return null;
      }
      return new Line(name, stations, route);
    }

    private List<String> route(Object node) {
      if (node == null) {
        return null;
      }
      List<Object> items = r.list(node, "route");
      if (items == null) {
        return null;
      }
      if (items.isEmpty()) {
        r.error("route", "must name at least one station");
      }
      List<String> route = new ArrayList<>();
      Map<String, String> seen = new HashMap<>();
      for (int i = 0; i < items.size(); i++) {
        String path = index("route", i);
        String id = r.string(items.get(i), path);
        if (id == null) {
          if (items.get(i) == null) {
            r.error(path, "expected a station id, got nothing");
          }
          continue;
        }
        if (!stationIds.containsKey(id)) {
          r.error(path, "unknown station reference: " + quote(id)
              + "; stations: " + String.join(", ", stationIds.keySet()));
        } else if (seen.containsKey(id)) {
          r.error(path, "station " + quote(id) + " is already on the route at " + seen.get(id));
        } else {
          seen.put(id, path);
        }
        route.add(id);
      }
      return route;
    }

    private Station station(Object node, String path) {
      Map<String, Object> map = r.mapping(node, path);
      if (map == null) {
        return null;
      }
      int before = r.errorCount();
      r.allowOnly(map, path, STATION_KEYS);
      String id = id(r.required(map, "id", path), child(path, "id"));
      if (id != null) {
        unique(stationIds, id, child(path, "id"), "station id");
      }
      String name = r.string(map.get("name"), child(path, "name"));
      List<Equipment> equipment = new ArrayList<>();
      Object equipmentNode = r.required(map, "equipment", path);
      if (equipmentNode != null) {
        List<Object> items = r.list(equipmentNode, child(path, "equipment"));
        if (items != null) {
          for (int i = 0; i < items.size(); i++) {
            equipment.add(equipment(items.get(i), index(child(path, "equipment"), i)));
          }
        }
      }
      if (r.errorCount() > before) {
        return null;
      }
      return new Station(id, name == null ? id : name, equipment);
    }

    private Equipment equipment(Object node, String path) {
      Map<String, Object> map = r.mapping(node, path);
      if (map == null) {
        return null;
      }
      int before = r.errorCount();
      r.allowOnly(map, path, EQUIPMENT_KEYS);
      String id = id(r.required(map, "id", path), child(path, "id"));
      if (id != null) {
        unique(equipmentIds, id, child(path, "id"), "equipment id (line-wide)");
      }
      String url = r.string(r.required(map, "endpointUrl", path), child(path, "endpointUrl"));
      if (url != null) {
        String fault = endpointFault(url);
        if (fault != null) {
          r.error(child(path, "endpointUrl"), fault);
        }
      }
      EndpointSecurity security = security(map.get("security"), child(path, "security"));
      String publishingPath = child(path, "publishingIntervalMs");
      Double publishing = r.number(map.get("publishingIntervalMs"), publishingPath);
      if (publishing == null) {
        publishing = DEFAULT_PUBLISHING_INTERVAL_MS;
      } else if (publishing <= 0) {
        r.error(publishingPath, "must be > 0: " + quote(map.get("publishingIntervalMs")));
      }

      // Units first, so that tags can refer to their slots whatever the key order.
      List<UnitNode> units = new ArrayList<>();
      Map<String, String> slotNames = new LinkedHashMap<>();
      List<Object> unitItems = optionalList(map, "units", path);
      for (int i = 0; i < unitItems.size(); i++) {
        units.add(unit(unitItems.get(i), index(child(path, "units"), i), slotNames));
      }
      List<Tag> tags = new ArrayList<>();
      Map<String, String> tagNames = new HashMap<>();
      List<Object> tagItems = optionalList(map, "tags", path);
      for (int i = 0; i < tagItems.size(); i++) {
        tags.add(tag(tagItems.get(i), index(child(path, "tags"), i), publishing, tagNames,
            slotNames, id));
      }
      if (r.errorCount() > before) {
        return null;
      }
      return new Equipment(id, url, security, publishing, tags, units);
    }

    private EndpointSecurity security(Object node, String path) {
      if (node == null) {
        return EndpointSecurity.NONE;
      }
      Map<String, Object> map = r.mapping(node, path);
      if (map == null) {
        return null;
      }
      rejectPassword(map, path);
      r.allowOnly(withoutPassword(map), path, SECURITY_KEYS);
      String policy = oneOf(map.get("policy"), child(path, "policy"), SECURITY_POLICIES, "None");
      String mode = oneOf(map.get("mode"), child(path, "mode"), SECURITY_MODES, "None");
      UserIdentity identity = identity(map.get("identity"), child(path, "identity"));
      if (policy == null || mode == null || identity == null) {
        return null;
      }
      if (policy.equals("None") != mode.equals("None")) {
        r.error(path, "policy " + quote(policy) + " does not fit mode " + quote(mode)
            + "; policy None goes with mode None only, and mode None with policy None only");
        return null;
      }
      return new EndpointSecurity(policy, mode, identity);
    }

    private UserIdentity identity(Object node, String path) {
      if (node == null) {
        return UserIdentity.ANONYMOUS;
      }
      Map<String, Object> map = r.mapping(node, path);
      if (map == null) {
        return null;
      }
      boolean clearPassword = rejectPassword(map, path);
      r.allowOnly(withoutPassword(map), path, IDENTITY_KEYS);
      String type = oneOf(r.required(map, "type", path), child(path, "type"), IDENTITY_TYPES, null);
      if (type == null) {
        return null;
      }
      List<String> allowed = switch (type) {
        case "userName" -> List.of("type", "userName", "passwordFile", "passwordEnv");
        case "x509" -> List.of("type", "certificateFile", "privateKeyFile");
        default -> List.of("type");
      };
      boolean fits = true;
      for (String key : map.keySet()) {
        if (IDENTITY_KEYS.contains(key) && !allowed.contains(key)) {
          r.error(child(path, key), "does not belong to identity type " + quote(type) + "; it takes "
              + String.join(", ", allowed));
          fits = false;
        }
      }
      switch (type) {
        case "userName" -> {
          String user = r.string(r.required(map, "userName", path), child(path, "userName"));
          Object file = map.get("passwordFile");
          Object env = map.get("passwordEnv");
          if ((file == null) == (env == null)) {
            if (clearPassword && file == null) {
              return null; // already told where the password goes
            }
            r.error(path, "give exactly one of passwordFile (a file holding the password) and passwordEnv"
                + " (the name of an environment variable holding it)");
            return null;
          }
          Path passwordFile = file == null ? null : path(file, child(path, "passwordFile"));
          String passwordEnv = env == null ? null : r.string(env, child(path, "passwordEnv"));
          if (passwordEnv != null && !ENV_NAME.matcher(passwordEnv).matches()) {
            r.error(child(path, "passwordEnv"), "not an environment variable name: " + quote(passwordEnv));
            return null;
          }
          if (user == null || user.isEmpty() || (passwordFile == null && passwordEnv == null) || !fits) {
            if (user != null && user.isEmpty()) {
              r.error(child(path, "userName"), "must not be empty");
            }
            return null;
          }
          return new UserIdentity.UserName(user, passwordFile, passwordEnv);
        }
        case "x509" -> {
          Path cert = path(r.required(map, "certificateFile", path), child(path, "certificateFile"));
          Path key = path(r.required(map, "privateKeyFile", path), child(path, "privateKeyFile"));
          return cert == null || key == null || !fits ? null : new UserIdentity.X509(cert, key);
        }
        default -> {
          return fits ? UserIdentity.ANONYMOUS : null;
        }
      }
    }

    private Path path(Object value, String path) {
      if (value == null) {
        return null;
      }
      String text = r.string(value, path);
      if (text == null) {
        return null;
      }
      if (text.isBlank()) {
        r.error(path, "must not be empty");
        return null;
      }
      try {
        return Path.of(text);
      } catch (java.nio.file.InvalidPathException e) {
        r.error(path, "not a file path: " + quote(text));
        return null;
      }
    }

    /** A password in line.yaml would be readable by everyone who can read the line's layout. */
    private boolean rejectPassword(Map<String, Object> map, String path) {
      boolean present = map.containsKey("password");
      if (present) {
        r.error(child(path, "password"), "a password is never written in line.yaml: put it in a file readable"
            + " by pilotline only and name it with identity.passwordFile, or name an environment variable"
            + " holding it with identity.passwordEnv");
      }
      return present;
    }

    private static Map<String, Object> withoutPassword(Map<String, Object> map) {
      if (!map.containsKey("password")) {
        return map;
      }
      Map<String, Object> copy = new java.util.LinkedHashMap<>(map);
      copy.remove("password");
      return copy;
    }

    private Tag tag(Object node, String path, double publishing, Map<String, String> tagNames,
        Map<String, String> slotNames, String equipmentId) {
      Map<String, Object> map = r.mapping(node, path);
      if (map == null) {
        return null;
      }
      int before = r.errorCount();
      r.allowOnly(map, path, TAG_KEYS);
      String name = id(r.required(map, "name", path), child(path, "name"));
      if (name != null) {
        unique(tagNames, name, child(path, "name"), "tag name in this equipment");
      }
      String nodeId = nodeId(r.required(map, "nodeId", path), child(path, "nodeId"));
      String unit = r.string(map.get("unit"), child(path, "unit"));

      String samplingPath = child(path, "samplingMs");
      Double sampling = r.number(map.get("samplingMs"), samplingPath);
      if (sampling == null) {
        sampling = DEFAULT_SAMPLING_MS;
      } else if (sampling < 0) {
        r.error(samplingPath, "must be >= 0: " + quote(map.get("samplingMs")));
      }
      String queuePath = child(path, "queueSize");
      Long queue = r.integer(map.get("queueSize"), queuePath);
      if (queue == null) {
        queue = defaultQueueSize(publishing, sampling);
      } else if (queue < 1 || queue > Integer.MAX_VALUE) {
        r.error(queuePath, "must be in 1.." + Integer.MAX_VALUE + ": " + quote(map.get("queueSize")));
      }
      String deadbandPath = child(path, "deadband");
      Double deadband = r.number(map.get("deadband"), deadbandPath);
      if (deadband == null) {
        deadband = 0.0;
      } else if (deadband < 0) {
        r.error(deadbandPath, "must be >= 0: " + quote(map.get("deadband")));
      }
      SpecLimits spec = spec(map.get("spec"), child(path, "spec"));

      String slotPath = child(path, "slot");
      String slot = r.string(map.get("slot"), slotPath);
      if (slot != null && !slotNames.containsKey(slot)) {
        r.error(slotPath, "unknown slot reference: " + quote(slot) + "; slots of " + equipmentId + ": "
            + (slotNames.isEmpty() ? "none" : String.join(", ", slotNames.keySet())));
      }
      if (r.errorCount() > before) {
        return null;
      }
      return new Tag(name, nodeId, unit == null ? "" : unit, sampling, queue.intValue(), deadband,
          spec, slot);
    }

    private SpecLimits spec(Object node, String path) {
      if (node == null) {
        return SpecLimits.NONE;
      }
      Map<String, Object> map = r.mapping(node, path);
      if (map == null) {
        return null;
      }
      int before = r.errorCount();
      r.allowOnly(map, path, SPEC_KEYS);
      Double lsl = r.number(map.get("lsl"), child(path, "lsl"));
      Double usl = r.number(map.get("usl"), child(path, "usl"));
      Double target = r.number(map.get("target"), child(path, "target"));
      if (r.errorCount() > before) {
        return null;
      }
      if (lsl != null && usl != null && lsl > usl) {
        r.error(path, "lsl " + quote(map.get("lsl")) + " is greater than usl " + quote(map.get("usl")));
        return null;
      }
      if (target != null && ((lsl != null && target < lsl) || (usl != null && target > usl))) {
        r.error(child(path, "target"), "target " + quote(map.get("target")) + " is outside [lsl "
            + (lsl == null ? "none" : quote(map.get("lsl"))) + ", usl "
            + (usl == null ? "none" : quote(map.get("usl"))) + "]");
        return null;
      }
      return new SpecLimits(lsl, usl, target);
    }

    private UnitNode unit(Object node, String path, Map<String, String> slotNames) {
      Map<String, Object> map = r.mapping(node, path);
      if (map == null) {
        return null;
      }
      int before = r.errorCount();
      r.allowOnly(map, path, UNIT_KEYS);
      String name = id(r.required(map, "name", path), child(path, "name"));
      if (name != null) {
        unique(slotNames, name, child(path, "name"), "unit slot name in this equipment");
      }
      String nodeId = nodeId(r.required(map, "nodeId", path), child(path, "nodeId"));
      String kind = oneOf(r.required(map, "kind", path), child(path, "kind"),
          List.of("lot", "roll", "cell"), null);
      String role = oneOf(r.required(map, "role", path), child(path, "role"),
          List.of("process", "input"), null);
      if (r.errorCount() > before) {
        return null;
      }
      return new UnitNode(name, nodeId, UnitKind.valueOf(kind.toUpperCase(Locale.ROOT)),
          UnitRole.valueOf(role.toUpperCase(Locale.ROOT)));
    }

    private List<Object> optionalList(Map<String, Object> map, String key, String path) {
      Object node = map.get(key);
      if (node == null) {
        return List.of();
      }
      List<Object> items = r.list(node, child(path, key));
      return items == null ? List.of() : items;
    }

    private String id(Object value, String path) {
      String id = r.string(value, path);
      if (id != null && !ID.matcher(id).matches()) {
        r.error(path, "not a valid id (letters, digits, '_', '-', '.'; no spaces or '/'): " + quote(id));
        return null;
      }
      return id;
    }

    private String nodeId(Object value, String path) {
      String text = r.string(value, path);
      if (text == null) {
        return null;
      }
      String fault = nodeIdFault(text);
      if (fault != null) {
        r.error(path, fault);
        return null;
      }
      return text;
    }

    /** The allowed word the value names (ignoring case), spelled as in {@code allowed}. */
    private String oneOf(Object value, String path, List<String> allowed, String fallback) {
      if (value == null) {
        return fallback;
      }
      String text = r.string(value, path);
      if (text == null) {
        return null;
      }
      for (String word : allowed) {
        if (word.equalsIgnoreCase(text)) {
          return word;
        }
      }
      r.error(path, "must be one of " + String.join(", ", allowed) + ": " + quote(text));
      return null;
    }

    private void unique(Map<String, String> seen, String id, String path, String what) {
      String first = seen.putIfAbsent(id, path);
      if (first != null) {
        r.error(path, "duplicate " + what + ": " + quote(id) + " (first at " + first + ")");
      }
    }
  }

  /**
   * Enough queue for one publishing interval of samples, so that no sample is dropped between
   * publishes (Milo keeps only the newest when the queue overflows).
   */
  static long defaultQueueSize(double publishingMs, double samplingMs) {
    double sampling = samplingMs > 0 ? samplingMs : FASTEST_SAMPLING_ASSUMED_MS;
    return Math.max(1, (long) Math.ceil(publishingMs / sampling));
  }
}
