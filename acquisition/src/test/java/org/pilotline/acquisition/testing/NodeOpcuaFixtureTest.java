package org.pilotline.acquisition.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class NodeOpcuaFixtureTest {
  @Test
  void missingInstallFailsOnCiAndSkipsElsewhere() {
    IllegalStateException failed = assertThrows(IllegalStateException.class,
        () -> NodeOpcuaFixture.requireOrSkip("node-opcua is not installed", true));
    assertTrue(failed.getMessage().contains("node-opcua is not installed"), failed.getMessage());
    TestAbortedException skipped = assertThrows(TestAbortedException.class,
        () -> NodeOpcuaFixture.requireOrSkip("node-opcua is not installed", false));
    assertTrue(skipped.getMessage().contains("node-opcua is not installed"), skipped.getMessage());
    assertDoesNotThrow(() -> NodeOpcuaFixture.requireOrSkip(null, true));
  }

  @Test
  void aFolderWithoutTheScriptsOrThePackagesSaysWhatIsMissing(@TempDir Path dir) throws Exception {
    assertTrue(NodeOpcuaFixture.check(dir).contains("no server.js/client.js in " + dir), NodeOpcuaFixture.check(dir));
    Files.writeString(dir.resolve("server.js"), "");
    Files.writeString(dir.resolve("client.js"), "");
    assertTrue(NodeOpcuaFixture.check(dir).contains("run `npm ci` in " + dir), NodeOpcuaFixture.check(dir));
    Path installed = Files.createDirectories(dir.resolve("node_modules/node-opcua"));
    Files.writeString(installed.resolve("package.json"), "{\n  \"name\": \"node-opcua\",\n  \"version\": \"2.186.4\"\n}\n");
    assertTrue(NodeOpcuaFixture.check(dir).contains("another node-opcua than 2.182.2"), NodeOpcuaFixture.check(dir));
  }
}
