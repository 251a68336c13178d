package org.pilotline.acquisition.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the node-opcua interop fixture lives ({@code acquisition/src/test/node-opcua}: a
 * package.json pinning node-opcua, its package-lock.json, {@code server.js} and
 * {@code client.js}) and whether it can run here.
 *
 * <p>Policy when Node.js or the installed packages are missing: on CI ({@code CI=true}) the IT
 * fails, so that a green CI proves the interop; elsewhere it is skipped with a message saying
 * what to run, so that {@code mvn verify} works on a machine with only a JDK and Maven.
 */
public final class NodeOpcuaFixture {
  /** System property naming the fixture folder; the build sets it for every module. */
  public static final String DIR_PROPERTY = "pilotline.test.nodeOpcuaDir";
  /** The version package.json pins; the fixture refuses any other. */
  public static final String NODE_OPCUA_VERSION = "2.182.2";

  private static final Logger LOG = LoggerFactory.getLogger(NodeOpcuaFixture.class);

  private static String unavailable;
  private static boolean checked;

  private NodeOpcuaFixture() {}

  /** The fixture folder: {@value #DIR_PROPERTY}, else found from the working directory. */
  public static Path dir() {
    String dir = System.getProperty(DIR_PROPERTY);
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir).toAbsolutePath().normalize();
    }
    // Run from the acquisition module or from a sibling module (hmi) without the property.
    for (Path candidate : new Path[] {Path.of("src/test/node-opcua"), Path.of("../acquisition/src/test/node-opcua")}) {
      if (Files.isRegularFile(candidate.resolve("server.js"))) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    return Path.of("src/test/node-opcua").toAbsolutePath().normalize();
  }

  /**
   * Skips the calling test (or fails it, on CI) unless {@code node} runs and {@code npm ci} has
   * installed node-opcua {@value #NODE_OPCUA_VERSION} in {@link #dir()}.
   */
  public static void assumeInstalled() {
    requireOrSkip(unavailableReason(), "true".equalsIgnoreCase(System.getenv("CI")));
  }

  /** Fails when {@code ci}, else skips, when there is a reason the fixture cannot run. */
  static void requireOrSkip(String unavailableReason, boolean ci) {
    if (unavailableReason == null) {
      return;
    }
    if (ci) {
      throw new IllegalStateException("node-opcua interop fixture unavailable on CI: " + unavailableReason);
    }
    // Failsafe counts a class skipped in @BeforeAll as nothing at all: say it in the build log.
    LOG.warn("node-opcua interop IT skipped: reason={}", unavailableReason);
    Assumptions.assumeTrue(false, "node-opcua interop IT skipped: " + unavailableReason);
  }

  /** Why the fixture cannot run here, or null when it can. */
  static synchronized String unavailableReason() {
    if (!checked) {
      unavailable = check(dir());
      checked = true;
    }
    return unavailable;
  }

  static String check(Path dir) {
    if (!Files.isRegularFile(dir.resolve("server.js")) || !Files.isRegularFile(dir.resolve("client.js"))) {
      return "no server.js/client.js in " + dir + " (set -D" + DIR_PROPERTY + "=<folder>)";
    }
    Path installed = dir.resolve("node_modules/node-opcua/package.json");
    String install = "run `npm ci` in " + dir + " (needs Node.js 20+ and the npm registry)";
    if (!Files.isRegularFile(installed)) {
      return "node-opcua is not installed; " + install;
    }
    try {
      String packageJson = Files.readString(installed, StandardCharsets.UTF_8);
      if (!packageJson.contains("\"version\": \"" + NODE_OPCUA_VERSION + "\"")) {
        return "node_modules holds another node-opcua than " + NODE_OPCUA_VERSION + "; " + install;
      }
    } catch (IOException e) {
      return "cannot read " + installed + ": " + e.getMessage();
    }
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "`node --version` did not answer within 20 s";
      }
      if (p.exitValue() != 0) {
        return "`node --version` exited with " + p.exitValue();
      }
    } catch (IOException e) {
      return "cannot run `node` (Node.js 20+ must be on the PATH): " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while checking for node";
    }
    return null;
  }
}
