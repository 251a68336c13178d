package org.pilotline.acquisition.opcua.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.line.UserIdentity;

class SecretsTest {
  @TempDir Path dir;

  @Test
  void passwordFileLosesItsTrailingLineBreakOnly() throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, " pass word \n");
    assertEquals(" pass word ", Secrets.password(new UserIdentity.UserName("op", file, null), "", Map.of()));
  }

  @Test
  void passwordComesFromTheNamedEnvironmentVariable() {
    assertEquals("s3cret", Secrets.password(new UserIdentity.UserName("op", null, "PW"), "", Map.of("PW", "s3cret")));
  }

  @Test
  void missingSecretsAreNamedWithoutRevealingAnything() {
    IllegalStateException unset = assertThrows(IllegalStateException.class,
        () -> Secrets.password(new UserIdentity.UserName("op", null, "PW"), "equipment x: ", Map.of()));
    assertEquals("equipment x: user op: environment variable PW is not set", unset.getMessage());
    IllegalStateException noFile = assertThrows(IllegalStateException.class,
        () -> Secrets.password(new UserIdentity.UserName("op", dir.resolve("absent"), null), "", Map.of()));
    assertTrue(noFile.getMessage().contains("cannot read passwordFile " + dir.resolve("absent")), noFile.getMessage());
  }
}
