package org.pilotline.acquisition.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;

/** The shipped demo line, moved to ports that are free on this machine. */
public final class TestLines {
  private TestLines() {}

  /** The repository's {@code config/} folder (set by the build; the module's parent otherwise). */
  public static Path configDir() {
    String dir = System.getProperty("pilotline.config.dir");
    return dir != null ? Path.of(dir) : Path.of("..", "config");
  }

  /** {@code config/line.yaml} with every endpoint moved to one free port on 127.0.0.1. */
  public static Line demoLineOnFreePort() {
    return onPort(LineLoader.load(configDir().resolve("line.yaml")), freePort());
  }

  /** The line with every endpoint's host and port replaced, paths kept. */
  public static Line onPort(Line line, int port) {
    Line out = line;
    for (Equipment e : line.equipment().toList()) {
      URI u = URI.create(e.endpointUrl());
      out = out.withEquipment(e.withEndpointUrl("opc.tcp://127.0.0.1:" + port + (u.getPath() == null ? "" : u.getPath())));
    }
    return out;
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
