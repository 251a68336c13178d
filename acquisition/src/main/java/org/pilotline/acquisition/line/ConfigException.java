package org.pilotline.acquisition.line;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A configuration file is wrong. The message always reads {@code file: path: fault}, as in
 * {@code config/line.yaml: stations[3].equipment[0].tags[2].nodeId: not a NodeId: "ns=2;x=7"}.
 * When a file has several faults, one exception carries them all ({@link #errors()}); its
 * message has one such line per fault and its file, path and fault are the first one's.
 */
public final class ConfigException extends RuntimeException {
  private final String file;
  private final String path;
  private final String fault;
  private final List<ConfigException> errors;

  public ConfigException(String file, String path, String fault) {
    super(Objects.requireNonNull(file, "file") + ": " + (path == null || path.isEmpty() ? "" : path + ": ") + fault);
    this.file = file;
    this.path = path == null ? "" : path;
    this.fault = fault;
    this.errors = List.of(this);
  }

  private ConfigException(List<ConfigException> all) {
    super(all.stream().map(ConfigException::getMessage).collect(Collectors.joining("\n")));
    ConfigException first = all.get(0);
    this.file = first.file;
    this.path = first.path;
    this.fault = first.fault;
    this.errors = List.copyOf(all);
  }

  /** One exception for all of {@code errors} (at least one), in the order given. */
  public static ConfigException of(List<ConfigException> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("no errors");
    }
    return errors.size() == 1 ? errors.get(0) : new ConfigException(errors);
  }

  /** Every fault found, in file order; a single fault lists itself. */
  public List<ConfigException> errors() {
    return errors;
  }

  public String file() {
    return file;
  }

  /** The key path inside the file, such as {@code stations[3].equipment[0].tags[2].nodeId}. */
  public String path() {
    return path;
  }

  public String fault() {
    return fault;
  }
}
