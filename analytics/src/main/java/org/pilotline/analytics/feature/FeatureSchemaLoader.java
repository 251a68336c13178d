package org.pilotline.analytics.feature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pilotline.acquisition.line.ConfigException;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitRole;
import org.pilotline.analytics.feature.FeatureSchema.Exposure;
import org.pilotline.analytics.feature.FeatureSchema.ExposureStart;
import org.pilotline.analytics.feature.FeatureSchema.Formation;
import org.pilotline.analytics.feature.FeatureSchema.Pressure;
import org.pilotline.analytics.feature.FeatureSchema.Result;
import org.pilotline.analytics.feature.FeatureSchema.Stat;
import org.pilotline.analytics.feature.FeatureSchema.Summary;
import org.pilotline.analytics.feature.FeatureSchema.TagPattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads {@code config/features.yaml} into a {@link FeatureSchema}, checking every tag it names
 * against the {@link Line}. Every fault in the file is reported at once, each as
 * {@code file: key.path: fault} ({@link ConfigException}).
 *
 * <p>A tag is written {@code station/tag} (the station must have one equipment with that tag)
 * or {@code station/equipment/tag}. A tag name containing {@code {slot}} stands for one tag per
 * process slot of a multi-slot station (formation channels): {@code formation/{slot}Capacity}
 * needs {@code ch1Capacity} bound to slot ch1, {@code ch2Capacity} to ch2, and so on.
 */
public final class FeatureSchemaLoader {
  private static final List<String> TOP_KEYS = List.of("version", "summaries", "exposure", "pressure", "formation", "results");
  private static final List<String> SUMMARY_KEYS = List.of("tag", "name", "stats");
  private static final List<String> EXPOSURE_KEYS = List.of("dewPoint", "dewPointThreshold", "h2s", "from", "until");
  private static final List<String> PRESSURE_KEYS = List.of("isostatic", "setpoint", "setpointTag", "holdFraction", "stackPressure");
  private static final List<String> FORMATION_KEYS = List.of("capacity", "current");
  private static final double DEFAULT_HOLD_FRACTION = 0.95;

  private FeatureSchemaLoader() {}

  /** Loads and validates a features file against the line. */
  public static FeatureSchema load(Path file, Line line) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "", "cannot read: " + e.getMessage());
    }
    return parse(text, file.toString(), line);
  }

  /** Parses and validates YAML text; {@code fileName} is used in messages only. */
  public static FeatureSchema parse(String yamlText, String fileName, Line line) {
    Object root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(50);
      root = new Yaml(new SafeConstructor(options)).load(yamlText);
    } catch (YAMLException e) {
      throw new ConfigException(fileName, "", "not valid YAML: " + e.getMessage());
    }
    return new Reader(fileName, line).schema(root);
  }

  private static final class Reader {
    final String file;
    final Line line;
    final List<ConfigException> errors = new ArrayList<>();

    Reader(String file, Line line) {
      this.file = file;
      this.line = line;
    }

    FeatureSchema schema(Object root) {
      Map<String, Object> top = mapping(root, "");
      if (top == null) {
        throw ConfigException.of(errors);
      }
      allowOnly(top, "", TOP_KEYS);
      Integer version = integer(top.get("version"), "version", true);
      if (version != null && version < 1) {
        error("version", "must be a positive integer, got " + version);
      }
      List<Summary> summaries = summaries(top.get("summaries"));
      Exposure exposure = exposure(top.get("exposure"));
      Pressure pressure = pressure(top.get("pressure"));
      Formation formation = formation(top.get("formation"));
      List<Result> results = results(top.get("results"));
      if (errors.isEmpty()) {
        FeatureSchema schema = new FeatureSchema(version, summaries, exposure, pressure, formation, results);
        Set<String> seen = new HashSet<>();
        for (String name : schema.featureNames()) {
          if (!seen.add(name)) {
            error("", "feature name " + quote(name) + " is produced twice; give one of them another name");
          }
        }
        if (errors.isEmpty()) {
          return schema;
        }
      }
      throw ConfigException.of(errors);
    }

    List<Summary> summaries(Object node) {
      List<Summary> out = new ArrayList<>();
      if (node == null) {
        return out;
      }
      if (!(node instanceof List<?> list)) {
        error("summaries", "expected a list, got " + describe(node));
        return out;
      }
      for (int i = 0; i < list.size(); i++) {
        String path = "summaries[" + i + "]";
        Map<String, Object> m = mapping(list.get(i), path);
        if (m == null) {
          continue;
        }
        allowOnly(m, path, SUMMARY_KEYS);
        TagPattern tag = tag(m.get("tag"), path + ".tag", true);
        String name = m.containsKey("name") ? string(m.get("name"), path + ".name") : tag == null ? null : tag.featureStem();
        List<Stat> stats = stats(m.get("stats"), path + ".stats");
        if (tag != null && name != null && stats != null) {
          out.add(new Summary(name, tag, stats));
        }
      }
      return out;
    }

    List<Stat> stats(Object node, String path) {
      if (!(node instanceof List<?> list) || list.isEmpty()) {
        error(path, node == null ? "missing required key" : "expected a non-empty list of mean, std, min, max, slope");
        return null;
      }
      List<Stat> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        Object v = list.get(i);
        Stat stat = null;
        for (Stat s : Stat.values()) {
          if (s.label().equals(v)) {
            stat = s;
          }
        }
        if (stat == null) {
          error(path + "[" + i + "]", "unknown statistic " + quote(v) + "; known: mean, std, min, max, slope");
        } else if (out.contains(stat)) {
          error(path + "[" + i + "]", "statistic " + quote(v) + " is listed twice");
        } else {
          out.add(stat);
        }
      }
      return out;
    }

    Exposure exposure(Object node) {
      Map<String, Object> m = mapping(node, "exposure");
      if (m == null) {
        return null;
      }
      allowOnly(m, "exposure", EXPOSURE_KEYS);
      TagPattern dew = tag(m.get("dewPoint"), "exposure.dewPoint", false);
      Double threshold = number(m.get("dewPointThreshold"), "exposure.dewPointThreshold", true);
      TagPattern h2s = tag(m.get("h2s"), "exposure.h2s", false);
      ExposureStart from = ExposureStart.ROLL;
      if (m.containsKey("from")) {
        Object f = m.get("from");
        if ("roll".equals(f)) {
          from = ExposureStart.ROLL;
        } else if ("cell".equals(f)) {
          from = ExposureStart.CELL;
        } else {
          error("exposure.from", "expected roll or cell, got " + quote(f));
        }
      }
      String until = string(m.get("until"), "exposure.until");
      if (until != null && line.station(until).isEmpty()) {
        error("exposure.until", "no station " + quote(until) + " in line " + quote(line.name()));
        until = null;
      }
      return dew == null || threshold == null || h2s == null || until == null ? null
          : new Exposure(dew, threshold, h2s, from, until);
    }

    Pressure pressure(Object node) {
      Map<String, Object> m = mapping(node, "pressure");
      if (m == null) {
        return null;
      }
      allowOnly(m, "pressure", PRESSURE_KEYS);
      TagPattern iso = tag(m.get("isostatic"), "pressure.isostatic", true);
      Double setpoint = m.containsKey("setpoint") ? number(m.get("setpoint"), "pressure.setpoint", true) : null;
      TagPattern setpointTag = m.containsKey("setpointTag") ? tag(m.get("setpointTag"), "pressure.setpointTag", true) : null;
      boolean setpointOk = (setpoint == null) != (setpointTag == null);
      if (!m.containsKey("setpoint") && !m.containsKey("setpointTag")) {
        error("pressure", "needs setpoint (a number) or setpointTag (a tag)");
      } else if (m.containsKey("setpoint") && m.containsKey("setpointTag")) {
        error("pressure", "give setpoint or setpointTag, not both");
        setpointOk = false;
      }
      if (setpoint != null && !(setpoint > 0)) {
        error("pressure.setpoint", "must be positive, got " + setpoint);
        setpointOk = false;
      }
      double hold = DEFAULT_HOLD_FRACTION;
      if (m.containsKey("holdFraction")) {
        Double h = number(m.get("holdFraction"), "pressure.holdFraction", true);
        if (h != null && !(h > 0 && h <= 1)) {
          error("pressure.holdFraction", "must be in (0, 1], got " + h);
        } else if (h != null) {
          hold = h;
        }
      }
      TagPattern stack = tag(m.get("stackPressure"), "pressure.stackPressure", true);
      return iso == null || stack == null || !setpointOk ? null : new Pressure(iso, setpoint, setpointTag, hold, stack);
    }

    Formation formation(Object node) {
      Map<String, Object> m = mapping(node, "formation");
      if (m == null) {
        return null;
      }
      allowOnly(m, "formation", FORMATION_KEYS);
      TagPattern capacity = tag(m.get("capacity"), "formation.capacity", true);
      TagPattern current = tag(m.get("current"), "formation.current", true);
      if (capacity != null && current != null
          && !(capacity.station().equals(current.station()) && capacity.equipment().equals(current.equipment()))) {
        error("formation.current", "must be on the equipment of formation.capacity ("
            + capacity.station() + "/" + capacity.equipment() + ")");
        return null;
      }
      return capacity == null || current == null ? null : new Formation(capacity, current);
    }

    List<Result> results(Object node) {
      List<Result> out = new ArrayList<>();
      if (node == null) {
        return out;
      }
      Map<String, Object> m = mapping(node, "results");
      if (m == null) {
        return out;
      }
      for (Map.Entry<String, Object> e : m.entrySet()) {
        TagPattern tag = tag(e.getValue(), "results." + e.getKey(), true);
        if (tag != null) {
          out.add(new Result(e.getKey(), tag));
        }
      }
      return out;
    }

    /**
     * Resolves {@code station/tag} or {@code station/equipment/tag}.
     *
     * @param patternAllowed whether {@code {slot}} may be used
     */
    TagPattern tag(Object node, String path, boolean patternAllowed) {
      String text = string(node, path);
      if (text == null) {
        return null;
      }
      String[] parts = text.split("/", -1);
      if (parts.length < 2 || parts.length > 3 || List.of(parts).stream().anyMatch(String::isEmpty)) {
        error(path, "expected station/tag or station/equipment/tag, got " + quote(text));
        return null;
      }
      String stationId = parts[0];
      String name = parts[parts.length - 1];
      Station station = line.station(stationId).orElse(null);
      if (station == null) {
        error(path, "no station " + quote(stationId) + " in line " + quote(line.name()));
        return null;
      }
      boolean pattern = name.contains(FeatureSchema.SLOT);
      if (pattern && !patternAllowed) {
        error(path, FeatureSchema.SLOT + " is not allowed here: name one tag");
        return null;
      }
      List<Equipment> candidates = station.equipment().stream()
          .filter(e -> parts.length == 2 || e.id().equals(parts[1])).toList();
      if (parts.length == 3 && candidates.isEmpty()) {
        error(path, "station " + stationId + " has no equipment " + quote(parts[1]));
        return null;
      }
      List<TagPattern> found = new ArrayList<>();
      List<String> why = new ArrayList<>();
      for (Equipment e : candidates) {
        TagPattern p = pattern ? slotPattern(stationId, e, name, why) : plain(stationId, e, name);
        if (p != null) {
          found.add(p);
        }
      }
      if (found.size() == 1) {
        return found.get(0);
      }
      if (found.isEmpty()) {
        String tags = candidates.stream().flatMap(e -> e.tags().stream()).map(Tag::name).toList().toString();
        error(path, (why.isEmpty() ? "no tag " + quote(name) + " at station " + stationId + "; tags: " + tags
            : String.join("; ", why)));
      } else {
        error(path, "tag " + quote(name) + " is on several equipment of station " + stationId
            + "; write station/equipment/tag");
      }
      return null;
    }

    private static TagPattern plain(String stationId, Equipment e, String name) {
      return e.tags().stream().filter(t -> t.name().equals(name)).findFirst()
          .map(t -> new TagPattern(stationId, e.id(), name, t.slot())).orElse(null);
    }

    private static TagPattern slotPattern(String stationId, Equipment e, String name, List<String> why) {
      List<UnitNode> slots = e.units().stream().filter(u -> u.role() == UnitRole.PROCESS).toList();
      if (slots.isEmpty()) {
        return null;
      }
      List<String> missing = new ArrayList<>();
      for (UnitNode slot : slots) {
        String tagName = name.replace(FeatureSchema.SLOT, slot.name());
        boolean bound = e.tags().stream().anyMatch(t -> t.name().equals(tagName) && slot.name().equals(t.slot()));
        if (!bound) {
          missing.add(tagName + " (slot " + slot.name() + ")");
        }
      }
      if (!missing.isEmpty()) {
        why.add("equipment " + e.id() + " has no tag bound to its slot for " + String.join(", ", missing));
        return null;
      }
      return new TagPattern(stationId, e.id(), name, null);
    }

    Map<String, Object> mapping(Object node, String path) {
      if (node instanceof Map<?, ?> map) {
        for (Object k : map.keySet()) {
          if (!(k instanceof String)) {
            error(path, "key is not a string: " + quote(k));
            return null;
          }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) map;
        return m;
      }
      error(path, node == null ? "missing required mapping" : "expected a mapping, got " + describe(node));
      return null;
    }

    String string(Object node, String path) {
      if (node instanceof String s && !s.isBlank()) {
        return s;
      }
      error(path, node == null ? "missing required key" : "expected a non-empty string, got " + describe(node));
      return null;
    }

    Double number(Object node, String path, boolean required) {
      if (node instanceof Number n && Double.isFinite(n.doubleValue())) {
        return n.doubleValue();
      }
      if (node != null || required) {
        error(path, node == null ? "missing required key" : "expected a finite number, got " + describe(node));
      }
      return null;
    }

    Integer integer(Object node, String path, boolean required) {
      if (node instanceof Integer i) {
        return i;
      }
      if (node != null || required) {
        error(path, node == null ? "missing required key" : "expected an integer, got " + describe(node));
      }
      return null;
    }

    void allowOnly(Map<String, Object> m, String path, List<String> allowed) {
      for (String k : m.keySet()) {
        if (!allowed.contains(k)) {
          error(path.isEmpty() ? k : path + "." + k, "unknown key " + quote(k) + "; allowed: " + String.join(", ", allowed));
        }
      }
    }

    void error(String path, String fault) {
      errors.add(new ConfigException(file, path, fault));
    }

    static String describe(Object v) {
      String type = v instanceof Map ? "a mapping" : v instanceof List ? "a list"
          : v.getClass().getSimpleName().toLowerCase(Locale.ROOT);
      return v instanceof Map || v instanceof List ? type : type + " " + quote(v);
    }

    static String quote(Object v) {
      return "\"" + v + "\"";
    }
  }
}
