package org.pilotline.acquisition.sim;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Writes the simulator's ground truth, one CSV row per finished cell, flushed as cells finish:
 * {@code cell_id,label,cause,fault_start,fault_end,stations}. {@code label} is good or faulty;
 * for a faulty cell {@code cause} lists the fault kinds that touched it, the window runs from the
 * earliest start to the latest end of those faults (end empty when one lasts to the end of the
 * run), and {@code stations} lists where they touched the cell or its roll. Lists are joined
 * with {@code ;}. Acquisition never reads this file; it is for scoring detection.
 */
public final class GroundTruthWriter implements Closeable {
  public static final String HEADER = "cell_id,label,cause,fault_start,fault_end,stations";

  private final BufferedWriter out;

  public GroundTruthWriter(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    out.write(HEADER);
    out.newLine();
    out.flush();
  }

  public void write(FinishedCell cell) {
    try {
      out.write(row(cell));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String row(FinishedCell cell) {
    if (!cell.faulty()) {
      return csv(cell.cellId()) + ",good,,,,";
    }
    String cause = cell.faults().stream().map(h -> h.fault().kind().label()).distinct().collect(Collectors.joining(";"));
    Instant from = cell.faults().stream().map(FinishedCell.FaultHit::windowStart).min(Comparator.naturalOrder()).orElseThrow();
    boolean open = cell.faults().stream().anyMatch(h -> h.windowEnd() == null);
    String to = open ? "" : cell.faults().stream().map(FinishedCell.FaultHit::windowEnd)
        .max(Comparator.naturalOrder()).orElseThrow().toString();
    String stations = cell.faults().stream().map(FinishedCell.FaultHit::stationId).distinct().collect(Collectors.joining(";"));
    return csv(cell.cellId()) + ",faulty," + csv(cause) + "," + from + "," + to + "," + csv(stations);
  }

  private static String csv(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
