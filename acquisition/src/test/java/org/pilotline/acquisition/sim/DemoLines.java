package org.pilotline.acquisition.sim;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.testing.TestLines;

/** Test fixtures: the shipped demo line, and synthetic lines for benchmarks. */
public final class DemoLines {
  public static final String NS = "nsu=urn:pilotline:sim;s=";
  static final String HOST = "opc.tcp://127.0.0.1:4840";

  private DemoLines() {}

  /** The shipped {@code config/line.yaml}: the tests simulate what the demo runs. */
  public static Line demo() {
    return LineLoader.load(TestLines.configDir().resolve("line.yaml"));
  }

  /** The demo line with every endpoint on this port of 127.0.0.1. */
  public static Line demo(int port) {
    return TestLines.onPort(demo(), port);
  }

  public static Line onPort(Line line, int port) {
    return TestLines.onPort(line, port);
  }

  /**
   * A line of {@code tags} generic tags on 10 equipment (one station each, no unit slots), for load
   * tests. Tags sample every {@code samplingMs}.
   */
  public static Line syntheticLine(int tags, double samplingMs) {
    return syntheticLine(tags, samplingMs, 10, 1000, 10);
  }

  /**
   * A line of {@code tags} generic tags spread evenly over {@code equipment} equipment (one
   * station each, no unit slots), every tag sampled every {@code samplingMs} with a queue of
   * {@code queueSize}, each equipment publishing every {@code publishingMs}.
   */
  public static Line syntheticLine(int tags, double samplingMs, int equipment, double publishingMs, int queueSize) {
    if (tags < 1 || equipment < 1) {
      throw new IllegalArgumentException("tags and equipment must be >= 1: " + tags + ", " + equipment);
    }
    List<Station> stations = new ArrayList<>();
    int perEquipment = (tags + equipment - 1) / equipment;
    int made = 0;
    for (int e = 0; e < equipment && made < tags; e++) {
      List<Tag> list = new ArrayList<>();
      for (int i = 0; i < perEquipment && made < tags; i++, made++) {
        String id = "synth" + e + "/plc" + e + "/tag" + i;
        list.add(new Tag("tag" + i, NS + id, "u", samplingMs, queueSize, 0, new SpecLimits(90.0, 110.0, 100.0), null));
      }
      stations.add(new Station("synth" + e, "Synthetic " + e, List.of(
          new Equipment("plc" + e, HOST + "/pilotline/synth" + e, EndpointSecurity.NONE, publishingMs, list, List.of()))));
    }
    return new Line("synthetic", stations);
  }

  public static Line syntheticLine(int tags) {
    return syntheticLine(tags, 1000);
  }
}
