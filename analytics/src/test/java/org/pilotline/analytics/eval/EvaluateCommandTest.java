package org.pilotline.analytics.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.testing.TestLines;

/** Bad arguments stop the command before anything runs, with a message naming the option. */
class EvaluateCommandTest {
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "--cells, 50, --cells must be at least 100",
      "--faultRate, 0.9, --faultRate must be in (0, 0.5]",
      "--trainFraction, 1, --trainFraction must be in (0, 1)",
      "--seed, x, --seed: not a number",
      "--colour, red, unknown option --colour"})
  void aBadOptionExitsWith2AndNamesIt(String option, String value, String message) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = EvaluateCommand.run(new String[] {option, value, "--config", TestLines.configDir().toString()},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    String text = err.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains(message), text);
    assertTrue(text.contains(EvaluateCommand.USAGE), text);
  }

  @Test
  void aMissingConfigFolderIsNamed() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = EvaluateCommand.run(new String[] {"--config", "no-such-folder"},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains(Path.of("no-such-folder", "line.yaml").toString()),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theDefaultsAreTheIssuesScenario() {
    ScenarioOptions o = ScenarioOptions.parse(new String[0]);
    assertEquals(2000, o.cells());
    assertEquals(0.05, o.faultRate());
    assertEquals(800, o.trainingCells());
  }
}
