package org.pilotline.acquisition.soak;

import java.util.ArrayList;
import java.util.List;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;

/**
 * The synthetic line a soak runs: {@code tags} generic tags spread over {@code equipment}
 * equipment, all on one simulator port, one station each and no unit slots. The simulator and
 * acquisition see the same node ids and tag keys but different sampling intervals (see
 * {@link #forSimulator()} and {@link #forAcquisition()}).
 *
 * @param changeMs every tag takes a new value this often (the simulator's sampling grid)
 * @param samplingMs how often acquisition asks the server to sample each tag
 * @param publishingMs each subscription's publishing interval
 */
public record SoakLine(String host, int port, int tags, int equipment, double changeMs,
    double samplingMs, double publishingMs) {
  public static final String NODE_PREFIX = "nsu=urn:pilotline:sim;s=soak";

  public SoakLine {
    if (tags < 1 || equipment < 1) {
      throw new IllegalArgumentException("tags and equipment must be >= 1: " + tags + ", " + equipment);
    }
    if (!(changeMs > 0) || !(samplingMs > 0) || !(publishingMs > 0)) {
      throw new IllegalArgumentException("changeMs, samplingMs and publishingMs must be > 0");
    }
  }

  /**
   * A line offering {@code readingsPerSecond} readings a second: as many tags as that takes at one
   * change every {@code changeMs}, sampled as often as they change. Meant for a simulator that
   * reports every write ({@code SimulatorServer.reportEveryWrite()}): then the sampling interval
   * only sizes the queue, and no change is lost between two samples.
   */
  public static SoakLine forRate(String host, int port, int readingsPerSecond, double changeMs,
      int equipment) {
    int tags = (int) Math.ceil(readingsPerSecond * changeMs / 1000.0);
    return new SoakLine(host, port, tags, Math.min(equipment, tags), changeMs, changeMs, 1000);
  }

  /** Readings offered per second: one per tag per change. */
  public double offeredPerSecond() {
    return tags * 1000.0 / changeMs;
  }

  /**
   * The monitored-item queue: ten seconds of changes, so that publishes held up by a loaded
   * machine (a stop-the-world pause, a database restart competing for the cores) do not overflow
   * it on the server. At least two publishing intervals' worth.
   */
  public int queueSize() {
    return (int) Math.ceil(Math.max(10_000, 2 * publishingMs) / samplingMs);
  }

  /** The line as the simulator runs it: each tag changes every changeMs. */
  public Line forSimulator() {
    return build(changeMs);
  }

  /** The line as acquisition subscribes to it: each tag sampled every samplingMs. */
  public Line forAcquisition() {
    return build(samplingMs);
  }

  private Line build(double tagSamplingMs) {
    List<Station> stations = new ArrayList<>();
    int perEquipment = (tags + equipment - 1) / equipment;
    int made = 0;
    for (int e = 0; e < equipment && made < tags; e++) {
      List<Tag> list = new ArrayList<>();
      for (int i = 0; i < perEquipment && made < tags; i++, made++) {
        list.add(new Tag("tag" + i, NODE_PREFIX + e + "/tag" + i, "u", tagSamplingMs, queueSize(), 0,
            new SpecLimits(90.0, 110.0, 100.0), null));
      }
      String url = "opc.tcp://" + host + ":" + port + "/pilotline/soak" + e;
      stations.add(new Station("soak" + e, "Soak " + e, List.of(
          new Equipment("plc" + e, url, EndpointSecurity.NONE, publishingMs, list, List.of()))));
    }
    return new Line("soak", stations);
  }
}
