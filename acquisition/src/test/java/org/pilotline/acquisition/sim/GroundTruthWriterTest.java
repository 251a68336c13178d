package org.pilotline.acquisition.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroundTruthWriterTest {
  static final Instant T = Instant.parse("2026-01-05T06:10:00Z");

  @Test
  void writesOneRowPerCellWithCauseWindowAndStations(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("a/b/truth.csv");
    FaultSpec loss = FaultSpec.parse("pressureLoss start=10m duration=5m");
    FaultSpec wear = FaultSpec.parse("rollWear start=20m");
    try (GroundTruthWriter w = new GroundTruthWriter(file)) {
      w.write(new FinishedCell("C-000001", "R-00001", T, List.of()));
      w.write(new FinishedCell("C-000002", "R-00001", T, List.of(
          new FinishedCell.FaultHit(loss, T, T.plusSeconds(300), "isostaticPress"))));
      w.write(new FinishedCell("C-000003", "R-00001", T, List.of(
          new FinishedCell.FaultHit(loss, T, T.plusSeconds(300), "isostaticPress"),
          new FinishedCell.FaultHit(wear, T.plusSeconds(600), null, "calendering"))));
    }
    assertEquals(List.of(
        "cell_id,label,cause,fault_start,fault_end,stations",
        "C-000001,good,,,,",
        "C-000002,faulty,pressureLoss,2026-01-05T06:10:00Z,2026-01-05T06:15:00Z,isostaticPress",
        "C-000003,faulty,pressureLoss;rollWear,2026-01-05T06:10:00Z,,isostaticPress;calendering"),
        Files.readAllLines(file));
  }

  @Test
  void quotesFieldsThatHoldCommas() {
    FaultSpec step = FaultSpec.parse("step:a,b.c");
    FinishedCell cell = new FinishedCell("C-1", "R-1", T, List.of(new FinishedCell.FaultHit(step, T, T, "a,b")));
    assertEquals("C-1,faulty,step,2026-01-05T06:10:00Z,2026-01-05T06:10:00Z,\"a,b\"", GroundTruthWriter.row(cell));
  }
}
