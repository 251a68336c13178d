package org.pilotline.acquisition.line;

import java.util.Objects;

/**
 * A configuration file is wrong. The message always reads {@code file: path: fault}, as in
 * {@code config/line.yaml: stations[3].equipment[0].tags[2].nodeId: not a NodeId: "ns=2;x=7"}.
 */
public final class ConfigException extends RuntimeException {
  private final String file;
  private final String path;
  private final String fault;

  public ConfigException(String file, String path, String fault) {
    super(Objects.requireNonNull(file, "file") + ": " + (path == null || path.isEmpty() ? "" : path + ": ") + fault);
    this.file = file;
    this.path = path == null ? "" : path;
    this.fault = fault;
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
