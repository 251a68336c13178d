package org.pilotline.acquisition.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.pilotline.acquisition.line.ConfigException;

/**
 * Walks a parsed YAML tree (maps, lists, scalars) for the config loaders, checking types and
 * collecting every fault as a {@link ConfigException} instead of stopping at the first.
 *
 * <p>Each type check returns null when the value is absent or wrong (and records the fault),
 * so a loader can carry on and report the rest of the file.
 *
 * <p>Public so that other modules' config files (analytics' {@code spc.yaml}) read and report
 * faults the same way as {@code line.yaml}.
 */
public final class ConfigReader {
  // Aliases are allowed (shared tag settings via anchors and merge keys are handy), but
  // bounded: an alias "billion laughs" expands exponentially in memory.
  private static final int MAX_ALIASES = 100;
  private static final int MAX_NESTING = 50;
  // A line of several thousand tags is well under 2 MB; 16 MB leaves room and still bounds input.
  private static final int MAX_CODE_POINTS = 16 * 1024 * 1024;
  private static final int MAX_QUOTED = 120;

  private final String file;
  private final List<ConfigException> errors = new ArrayList<>();

  public ConfigReader(String file) {
    this.file = file;
  }

  public String file() {
    return file;
  }

  /**
   * Parses one YAML document into plain Java maps, lists and scalars. SafeConstructor refuses
   * arbitrary types; duplicate keys are a fault rather than last-one-wins.
   *
   * @return the document, or null for an empty one
   * @throws ConfigException for a YAML syntax error, naming line and column
   */
  public static Object parseYaml(String text, String file) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setCodePointLimit(MAX_CODE_POINTS);
    DumperOptions dumperOptions = new DumperOptions();
    Yaml yaml = new Yaml(
        new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options);
    try {
      return yaml.load(text);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
      String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw new ConfigException(file, "", "not valid YAML" + where + ": " + problem);
    } catch (YAMLException e) {
      throw new ConfigException(file, "", "not valid YAML: " + e.getMessage());
    }
  }

  public static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /** The value as it appears in a message: scalars in double quotes, collections described. */
  public static String quote(Object value) {
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value == null) {
      return "nothing";
    }
    String text = String.valueOf(value);
    if (text.length() > MAX_QUOTED) {
      text = text.substring(0, MAX_QUOTED) + "...";
    }
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  public static String typeName(Object value) {
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
      return "an integer";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof List) {
      return "a list";
    }
    return "a " + value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  public void error(String path, String fault) {
    errors.add(new ConfigException(file, path, fault));
  }

  /** Records a fault that came from somewhere other than this reader's file (an override). */
  public void error(String origin, String path, String fault) {
    errors.add(new ConfigException(origin, path, fault));
  }

  public int errorCount() {
    return errors.size();
  }

  public void throwIfAny() {
    if (!errors.isEmpty()) {
      throw ConfigException.of(errors);
    }
  }

  private void wrongType(String path, String expected, Object value) {
    // YAML reads on, off, true, 10, 1.5 as booleans and numbers; an id or unit may mean the text.
    String hint = expected.equals("a string") && (value instanceof Number || value instanceof Boolean)
        ? " (quote it if it is meant as text)" : "";
    error(path, "expected " + expected + ", got " + typeName(value) + ": " + quote(value) + hint);
  }

  /** The node as a mapping with string keys, or null (fault recorded) if it is something else. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> mapping(Object node, String path) {
    if (!(node instanceof Map)) {
      if (node == null) {
        error(path, "expected a mapping, got nothing");
      } else {
        wrongType(path, "a mapping", node);
      }
      return null;
    }
    Map<?, ?> map = (Map<?, ?>) node;
    boolean ok = true;
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        error(path, "key is not a string: " + quote(key));
        ok = false;
      }
    }
    return ok ? (Map<String, Object>) map : null;
  }

  @SuppressWarnings("unchecked")
  public List<Object> list(Object node, String path) {
    if (!(node instanceof List)) {
      if (node == null) {
        error(path, "expected a list, got nothing");
      } else {
        wrongType(path, "a list", node);
      }
      return null;
    }
    return (List<Object>) node;
  }

  /** Records every key of {@code map} that is not in {@code allowed}, naming the allowed ones. */
  public void allowOnly(Map<String, Object> map, String path, List<String> allowed) {
    for (String key : map.keySet()) {
      if (!allowed.contains(key)) {
        String suggestion = closest(key, allowed);
        error(child(path, key), "unknown key " + quote(key)
            + (suggestion == null ? "" : " (did you mean " + quote(suggestion) + "?)")
            + "; allowed: " + String.join(", ", allowed));
      }
    }
  }

  /** The value of a key that must be present and not null, or null with a fault recorded. */
  public Object required(Map<String, Object> map, String key, String path) {
    Object value = map.get(key);
    if (value == null) {
      error(child(path, key), map.containsKey(key) ? "required key has no value" : "missing required key");
    }
    return value;
  }

  public String string(Object value, String path) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String)) {
      wrongType(path, "a string", value);
      return null;
    }
    return (String) value;
  }

  /** A finite number; integers are accepted where a number is expected. */
  public Double number(Object value, String path) {
    if (value == null) {
      return null;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Double
        || value instanceof Float || value instanceof BigInteger) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        error(path, "not a finite number: " + quote(value));
        return null;
      }
      return d;
    }
    wrongType(path, "a number", value);
    return null;
  }

  /** A whole number that fits a long. */
  public Long integer(Object value, String path) {
    if (value == null) {
      return null;
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger) {
      error(path, "integer out of range: " + quote(value));
      return null;
    }
    wrongType(path, "an integer", value);
    return null;
  }

  public Boolean bool(Object value, String path) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Boolean)) {
      wrongType(path, "true or false", value);
      return null;
    }
    return (Boolean) value;
  }

  /** The allowed word nearest to a typo (edit distance at most 2, ignoring case), or null. */
  private static String closest(String key, List<String> allowed) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : allowed) {
      int d = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
