package org.pilotline.acquisition.opcua.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiCommandTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return PkiCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void listOnAnEmptyFolderCreatesTheLayoutAndShowsNothing() {
    assertEquals(0, run("list", "--dir", dir.toString()));
    assertEquals("rejected (0):\ntrusted (0):\n", out.toString(StandardCharsets.UTF_8).replace("\r", ""));
    assertTrue(dir.resolve("trusted/certs").toFile().isDirectory());
  }

  @Test
  void trustingAnUnknownThumbprintFailsAndSaysWhere() {
    assertEquals(1, run("trust", "abc123", "--dir", dir.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("no rejected certificate has a thumbprint starting with abc123"),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void missingOrUnknownSubcommandPrintsUsage() {
    assertEquals(2, run());
    assertEquals(2, run("revoke", "--dir", dir.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: pki list"), err.toString(StandardCharsets.UTF_8));
  }
}
