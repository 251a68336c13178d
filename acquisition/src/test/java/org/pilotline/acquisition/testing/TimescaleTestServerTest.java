package org.pilotline.acquisition.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// The lane's first failure on a new machine is a missing setup step; the message must name it.
class TimescaleTestServerTest {
  @TempDir
  Path dir;

  @Test
  void missingNodePackagesSayToRunNpmCi() throws IOException {
    Files.writeString(dir.resolve("server.mjs"), "");

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TimescaleTestServer.start(dir));

    assertTrue(e.getMessage().contains("run `npm ci` in " + dir), e.getMessage());
  }

  @Test
  void missingScriptNamesTheFolderAndTheProperty() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TimescaleTestServer.start(dir));

    assertTrue(e.getMessage().contains("no server.mjs in " + dir), e.getMessage());
    assertTrue(e.getMessage().contains(TimescaleTestServer.DIR_PROPERTY), e.getMessage());
  }
}
