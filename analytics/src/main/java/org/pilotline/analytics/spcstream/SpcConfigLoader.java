package org.pilotline.analytics.spcstream;

import static org.pilotline.acquisition.config.ConfigReader.child;
import static org.pilotline.acquisition.config.ConfigReader.index;
import static org.pilotline.acquisition.config.ConfigReader.quote;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pilotline.acquisition.config.ConfigReader;
import org.pilotline.acquisition.line.ConfigException;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.TagRef;
import org.pilotline.analytics.spc.ControlLimits;
import org.pilotline.analytics.spc.CusumSettings;
import org.pilotline.analytics.spc.EwmaSettings;
import org.pilotline.analytics.spc.LimitSource;
import org.pilotline.analytics.spc.SpcRule;
import org.pilotline.analytics.spc.Subgrouping;
import org.pilotline.analytics.spc.TagSpcSettings;

/**
 * Reads {@code config/spc.yaml} against the line it monitors. Every fault is reported at once,
 * each naming the file, the key path and the fault:
 * {@code config/spc.yaml: tags[2].limits.sigma: must be > 0, got -1}. The keys and built-in
 * defaults are documented in {@code config/spc.yaml} and docs/ANALYTICS.md.
 */
public final class SpcConfigLoader {
  /** Built-in defaults, used where neither the tag nor {@code defaults} says otherwise. */
  public static final Set<SpcRule> DEFAULT_RULES =
      EnumSet.of(SpcRule.WE_1, SpcRule.WE_2, SpcRule.WE_3, SpcRule.WE_4);
  public static final EwmaSettings DEFAULT_EWMA = new EwmaSettings(0.1, 2.814);
  public static final CusumSettings DEFAULT_CUSUM = new CusumSettings(0.5, 5);
  public static final int DEFAULT_HOLD_OFF = 30;
  public static final int DEFAULT_CAPABILITY_WINDOW = 500;
  public static final long DEFAULT_CAPABILITY_REFRESH_MS = 5_000;
  /** Fewer baseline points give limits too uncertain to chart against (AIAG asks for 20-25). */
  public static final int MIN_BASELINE = 20;

  private static final List<String> TOP_KEYS = List.of("capability", "defaults", "tags");
  private static final List<String> CAPABILITY_KEYS = List.of("window", "allSpecTags", "refreshMs");
  private static final List<String> CHART_KEYS = List.of("subgroup", "rules", "ewma", "cusum", "holdOff");
  private static final List<String> TAG_KEYS = List.of("tag", "limits", "subgroup", "rules", "ewma", "cusum", "holdOff");
  private static final List<String> LIMIT_KEYS = List.of("center", "sigma", "lcl", "ucl", "baseline", "baselineFrom", "baselineTo");
  private static final List<String> SUBGROUP_KEYS = List.of("size", "bucketMs");
  private static final List<String> EWMA_KEYS = List.of("lambda", "width");
  private static final List<String> CUSUM_KEYS = List.of("k", "h");
  private static final List<String> RULE_NAMES = names();

  private SpcConfigLoader() {}

  private static List<String> names() {
    List<String> n = new ArrayList<>(Arrays.stream(SpcRule.values()).map(Enum::name).toList());
    n.add("NELSON");
    n.add("WE");
    return List.copyOf(n);
  }

  /**
   * Reads and validates the file.
   *
   * @param line the line whose tags the file names
   * @throws ConfigException naming the file, key path and fault; all faults when there are several
   */
  public static SpcConfig load(Path file, Line line) {
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
    return parse(text, file.toString(), line);
  }

  /**
   * As {@link #load}, or null when the file does not exist: SPC is optional, a node without
   * {@code spc.yaml} runs without it.
   */
  public static SpcConfig loadIfPresent(Path file, Line line) {
    return Files.exists(file) ? load(file, line) : null;
  }

  /** Validates YAML text as an SPC file; {@code fileName} is what messages call it. */
  public static SpcConfig parse(String yamlText, String fileName, Line line) {
    Object root = ConfigReader.parseYaml(yamlText, fileName);
    if (root == null) {
      throw new ConfigException(fileName, "", "file is empty; expected tags (and optionally defaults, capability)");
    }
    ConfigReader r = new ConfigReader(fileName);
    SpcConfig config = new Reader(r, line).config(root);
    r.throwIfAny();
    return config;
  }

  /** The chart settings a tag inherits: built-in defaults overlaid by the {@code defaults} block. */
  private record Chart(Subgrouping subgrouping, Set<SpcRule> rules, EwmaSettings ewma,
      CusumSettings cusum, int holdOff) {}

  private static final class Reader {
    private final ConfigReader r;
    private final Map<String, TagRef> tags = new LinkedHashMap<>();

    Reader(ConfigReader r, Line line) {
      this.r = r;
      line.tagRefs().forEach(t -> tags.put(t.key(), t));
    }

    SpcConfig config(Object root) {
      Map<String, Object> map = r.mapping(root, "");
      if (map == null) {
        return null;
      }
      r.allowOnly(map, "", TOP_KEYS);
      int window = DEFAULT_CAPABILITY_WINDOW;
      boolean allSpecTags = false;
      long refreshMs = DEFAULT_CAPABILITY_REFRESH_MS;
      Map<String, Object> cap = map.get("capability") == null ? null : r.mapping(map.get("capability"), "capability");
      if (cap != null) {
        r.allowOnly(cap, "capability", CAPABILITY_KEYS);
        Long w = r.integer(cap.get("window"), "capability.window");
        if (w != null) {
          if (w != 0 && (w < 2 || w > 1_000_000)) {
            r.error("capability.window", "must be 0 (no Cpk/Ppk) or 2..1000000 values, got " + w);
          } else {
            window = w.intValue();
          }
        }
        Boolean all = r.bool(cap.get("allSpecTags"), "capability.allSpecTags");
        allSpecTags = all != null && all;
        Long refresh = r.integer(cap.get("refreshMs"), "capability.refreshMs");
        if (refresh != null) {
          if (refresh < 100) {
            r.error("capability.refreshMs", "must be >= 100, got " + refresh);
          } else {
            refreshMs = refresh;
          }
        }
      }
      Chart builtIn = new Chart(new Subgrouping.Individual(), DEFAULT_RULES, DEFAULT_EWMA,
          DEFAULT_CUSUM, DEFAULT_HOLD_OFF);
      Chart defaults = builtIn;
      if (map.get("defaults") != null) {
        Map<String, Object> d = r.mapping(map.get("defaults"), "defaults");
        if (d != null) {
          r.allowOnly(d, "defaults", CHART_KEYS);
          defaults = chart(d, "defaults", builtIn);
        }
      }
      List<TagSpcSettings> out = new ArrayList<>();
      Map<String, String> seen = new LinkedHashMap<>();
      Object tagsNode = r.required(map, "tags", "");
      List<Object> items = tagsNode == null ? null : r.list(tagsNode, "tags");
      if (items != null) {
        for (int i = 0; i < items.size(); i++) {
          TagSpcSettings s = tag(items.get(i), index("tags", i), defaults, window, seen);
          if (s != null) {
            out.add(s);
          }
        }
      }
      if (allSpecTags && window > 0) {
        for (TagRef t : tags.values()) {
          SpecLimits spec = t.tag().spec();
          if (!seen.containsKey(t.key()) && (spec.lsl() != null || spec.usl() != null)
              && specFault(spec) == null) {
            out.add(TagSpcSettings.capabilityOnly(t.key(), spec.lsl(), spec.usl(), window));
          }
        }
      }
      return r.errorCount() == 0 ? new SpcConfig(out, refreshMs) : null;
    }

    private TagSpcSettings tag(Object node, String path, Chart defaults, int window,
        Map<String, String> seen) {
      Map<String, Object> map = r.mapping(node, path);
      if (map == null) {
        return null;
      }
      int before = r.errorCount();
      r.allowOnly(map, path, TAG_KEYS);
      String key = r.string(r.required(map, "tag", path), child(path, "tag"));
      TagRef ref = null;
      if (key != null) {
        ref = tags.get(key);
        if (ref == null) {
          r.error(child(path, "tag"), "no such tag in the line: " + quote(key)
              + " (expected station/equipment/tag, e.g. " + quote(tags.keySet().stream().findFirst().orElse("")) + ")");
        } else if (seen.containsKey(key)) {
          r.error(child(path, "tag"), "tag " + quote(key) + " is already listed at " + seen.get(key));
        } else {
          seen.put(key, path);
        }
      }
      Chart chart = chart(map, path, defaults);
      LimitSource limits = map.containsKey("limits") ? limits(map.get("limits"), child(path, "limits")) : null;
      SpecLimits spec = ref == null ? SpecLimits.NONE : ref.tag().spec();
      Double lsl = spec.lsl();
      Double usl = spec.usl();
      String specFault = specFault(spec);
      if (specFault != null) {
        // lsl = usl (a count that must be exact) gives no capability index; chart it only.
        lsl = null;
        usl = null;
      }
      if (limits == null) {
        for (String chartKey : CHART_KEYS) {
          if (map.containsKey(chartKey)) {
            r.error(child(path, chartKey), "needs control limits: add limits (center and sigma, lcl and ucl, baseline, or baselineFrom and baselineTo)");
          }
        }
        if (ref != null && (lsl == null && usl == null || window == 0)) {
          r.error(path, "tag " + quote(key) + " has no limits here"
              + (window == 0 ? " and capability.window is 0" : " and " + (specFault != null ? specFault : "no spec limits in the line"))
              + ": nothing to monitor");
        }
      } else if (chart.rules().isEmpty() && chart.ewma() == null && chart.cusum() == null) {
        r.error(path, "no rules, ewma or cusum: the limits would chart nothing");
      }
      if (r.errorCount() > before || ref == null) {
        return null;
      }
      if (limits == null) {
        return TagSpcSettings.capabilityOnly(key, lsl, usl, window);
      }
      return new TagSpcSettings(key, limits, chart.subgrouping(), chart.rules(), chart.ewma(),
          chart.cusum(), chart.holdOff(), lsl, usl, window);
    }

    /** {@code map}'s chart keys over {@code base}; faults recorded, base kept where one is wrong. */
    private Chart chart(Map<String, Object> map, String path, Chart base) {
      Subgrouping grouping = base.subgrouping();
      if (map.containsKey("subgroup")) {
        Subgrouping g = subgroup(map.get("subgroup"), child(path, "subgroup"));
        grouping = g == null ? grouping : g;
      }
      Set<SpcRule> rules = base.rules();
      if (map.containsKey("rules")) {
        Set<SpcRule> rs = rules(map.get("rules"), child(path, "rules"));
        rules = rs == null ? rules : rs;
      }
      EwmaSettings ewma = base.ewma();
      if (map.containsKey("ewma")) {
        ewma = off(map.get("ewma")) ? null : ewma(map.get("ewma"), child(path, "ewma"), ewma);
      }
      CusumSettings cusum = base.cusum();
      if (map.containsKey("cusum")) {
        cusum = off(map.get("cusum")) ? null : cusum(map.get("cusum"), child(path, "cusum"), cusum);
      }
      int holdOff = base.holdOff();
      Long h = r.integer(map.get("holdOff"), child(path, "holdOff"));
      if (h != null) {
        if (h < 0 || h > 1_000_000) {
          r.error(child(path, "holdOff"), "must be 0..1000000 charted points, got " + h);
        } else {
          holdOff = h.intValue();
        }
      }
      return new Chart(grouping, rules, ewma, cusum, holdOff);
    }

    private static boolean off(Object v) {
      return Boolean.FALSE.equals(v);
    }

    private Subgrouping subgroup(Object node, String path) {
      Map<String, Object> m = r.mapping(node, path);
      if (m == null) {
        return null;
      }
      r.allowOnly(m, path, SUBGROUP_KEYS);
      if (m.containsKey("size") == m.containsKey("bucketMs")) {
        r.error(path, "give exactly one of size (consecutive values per point; 1 = each value) or bucketMs (one point per time bucket)");
        return null;
      }
      if (m.containsKey("size")) {
        Long size = r.integer(m.get("size"), child(path, "size"));
        if (size == null) {
          r.error(child(path, "size"), "required key has no value");
          return null;
        }
        if (size < 1 || size > 10_000) {
          r.error(child(path, "size"), "must be 1..10000 values, got " + size);
          return null;
        }
        return size == 1 ? new Subgrouping.Individual() : new Subgrouping.MeanOf(size.intValue());
      }
      Long ms = r.integer(m.get("bucketMs"), child(path, "bucketMs"));
      if (ms == null) {
        r.error(child(path, "bucketMs"), "required key has no value");
        return null;
      }
      if (ms < 1 || ms > Duration.ofDays(1).toMillis()) {
        r.error(child(path, "bucketMs"), "must be 1..86400000 ms, got " + ms);
        return null;
      }
      return new Subgrouping.TimeBucket(Duration.ofMillis(ms));
    }

    private Set<SpcRule> rules(Object node, String path) {
      List<Object> list = r.list(node, path);
      if (list == null) {
        return null;
      }
      Set<SpcRule> out = EnumSet.noneOf(SpcRule.class);
      int before = r.errorCount();
      for (int i = 0; i < list.size(); i++) {
        String name = r.string(list.get(i), index(path, i));
        if (name == null) {
          continue;
        }
        if (name.equals("NELSON")) {
          Arrays.stream(SpcRule.values()).filter(x -> x.name().startsWith("NELSON_")).forEach(out::add);
        } else if (name.equals("WE")) {
          out.addAll(DEFAULT_RULES);
        } else if (RULE_NAMES.contains(name)) {
          out.add(SpcRule.valueOf(name));
        } else {
          r.error(index(path, i), "unknown rule " + quote(name) + "; known: " + String.join(", ", RULE_NAMES));
        }
      }
      if (r.errorCount() > before) {
        return null;
      }
      String conflict = out.isEmpty() ? null : SpcRule.conflict(out);
      if (conflict != null) {
        r.error(path, conflict);
        return null;
      }
      return out;
    }

    private EwmaSettings ewma(Object node, String path, EwmaSettings base) {
      Map<String, Object> m = r.mapping(node, path);
      if (m == null) {
        return base;
      }
      r.allowOnly(m, path, EWMA_KEYS);
      Double lambda = r.number(r.required(m, "lambda", path), child(path, "lambda"));
      Double width = r.number(r.required(m, "width", path), child(path, "width"));
      if (lambda != null && !(lambda > 0 && lambda <= 1)) {
        r.error(child(path, "lambda"), "must be in (0, 1], got " + lambda);
        return base;
      }
      if (width != null && !(width > 0)) {
        r.error(child(path, "width"), "must be > 0 (L, in sigmas of the EWMA), got " + width);
        return base;
      }
      return lambda == null || width == null ? base : new EwmaSettings(lambda, width);
    }

    private CusumSettings cusum(Object node, String path, CusumSettings base) {
      Map<String, Object> m = r.mapping(node, path);
      if (m == null) {
        return base;
      }
      r.allowOnly(m, path, CUSUM_KEYS);
      Double k = r.number(r.required(m, "k", path), child(path, "k"));
      Double h = r.number(r.required(m, "h", path), child(path, "h"));
      if (k != null && !(k >= 0)) {
        r.error(child(path, "k"), "must be >= 0 (in sigmas), got " + k);
        return base;
      }
      if (h != null && !(h > 0)) {
        r.error(child(path, "h"), "must be > 0 (in sigmas), got " + h);
        return base;
      }
      return k == null || h == null ? base : new CusumSettings(k, h);
    }

    private LimitSource limits(Object node, String path) {
      Map<String, Object> m = r.mapping(node, path);
      if (m == null) {
        return null;
      }
      r.allowOnly(m, path, LIMIT_KEYS);
      List<String> forms = new ArrayList<>();
      if (m.containsKey("center") || m.containsKey("sigma")) {
        forms.add("center/sigma");
      }
      if (m.containsKey("lcl") || m.containsKey("ucl")) {
        forms.add("lcl/ucl");
      }
      if (m.containsKey("baseline")) {
        forms.add("baseline");
      }
      if (m.containsKey("baselineFrom") || m.containsKey("baselineTo")) {
        forms.add("baselineFrom/baselineTo");
      }
      if (forms.size() != 1) {
        r.error(path, (forms.isEmpty() ? "no limits given" : "several kinds of limits given ("
            + String.join(", ", forms) + ")") + "; give one of: center and sigma, lcl and ucl,"
            + " baseline (points), or baselineFrom and baselineTo (stored readings)");
        return null;
      }
      switch (forms.get(0)) {
        case "center/sigma": {
          Double center = r.number(r.required(m, "center", path), child(path, "center"));
          Double sigma = r.number(r.required(m, "sigma", path), child(path, "sigma"));
          if (sigma != null && !(sigma > 0)) {
            r.error(child(path, "sigma"), "must be > 0, got " + sigma);
            return null;
          }
          return center == null || sigma == null ? null : new LimitSource.Given(ControlLimits.of(center, sigma));
        }
        case "lcl/ucl": {
          Double lcl = r.number(r.required(m, "lcl", path), child(path, "lcl"));
          Double ucl = r.number(r.required(m, "ucl", path), child(path, "ucl"));
          if (lcl != null && ucl != null && !(lcl < ucl)) {
            r.error(child(path, "ucl"), "must be above lcl " + lcl + ", got " + ucl);
            return null;
          }
          return lcl == null || ucl == null ? null : LimitSource.Given.ofLimits(lcl, ucl);
        }
        case "baseline": {
          Long n = r.integer(m.get("baseline"), child(path, "baseline"));
          if (n == null) {
            if (m.get("baseline") == null) {
              r.error(child(path, "baseline"), "required key has no value");
            }
            return null;
          }
          if (n < MIN_BASELINE || n > 1_000_000) {
            r.error(child(path, "baseline"), "must be " + MIN_BASELINE + "..1000000 charted points, got " + n);
            return null;
          }
          return new LimitSource.FirstPoints(n.intValue());
        }
        default: {
          Instant from = instant(r.required(m, "baselineFrom", path), child(path, "baselineFrom"));
          Instant to = instant(r.required(m, "baselineTo", path), child(path, "baselineTo"));
          if (from != null && to != null && !from.isBefore(to)) {
            r.error(child(path, "baselineTo"), "must be after baselineFrom " + from + ", got " + to);
            return null;
          }
          return from == null || to == null ? null : new LimitSource.StoredWindow(from, to);
        }
      }
    }

    private Instant instant(Object v, String path) {
      if (v == null) {
        return null;
      }
      if (v instanceof Date d) {
        // YAML reads an unquoted timestamp as one.
        return d.toInstant();
      }
      String s = r.string(v, path);
      if (s == null) {
        return null;
      }
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        r.error(path, "not an ISO-8601 UTC time such as 2026-11-27T08:00:00Z: " + quote(s));
        return null;
      }
    }

    /** Why these spec limits give no capability index, or null. */
    private static String specFault(SpecLimits spec) {
      return spec.lsl() != null && spec.usl() != null && !(spec.lsl() < spec.usl())
          ? "its spec limits are equal (lsl = usl), which gives no Cpk" : null;
    }
  }
}
