package org.pilotline.analytics.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.pilotline.analytics.model.ModelKind;

class TrainCommandTest {
  @Test
  void windowsParseAsMinutesHoursDaysOrIso() {
    assertEquals(Duration.ofDays(14), TrainCommand.Options.duration("14d"));
    assertEquals(Duration.ofHours(12), TrainCommand.Options.duration("12h"));
    assertEquals(Duration.ofHours(36), TrainCommand.Options.duration("PT36H"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainCommand.Options.duration("two weeks"));
    assertTrue(e.getMessage().contains("\"two weeks\""), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrainCommand.Options.duration("0d"));
  }

  @Test
  void badOptionsAreUsageErrorsNamingTheOption() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = TrainCommand.run(new String[] {"train", "--from", "yesterday"},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--from: not an ISO-8601 instant"),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void kindsAreNamedAsInTheConfig() {
    assertEquals(ModelKind.PCA, TrainCommand.kind("pca"));
    assertEquals(ModelKind.ISOLATION_FOREST, TrainCommand.kind("isolationForest"));
    assertThrows(IllegalArgumentException.class, () -> TrainCommand.kind("svm"));
  }
}
