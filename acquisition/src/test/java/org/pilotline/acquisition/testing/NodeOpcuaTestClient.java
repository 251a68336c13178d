package org.pilotline.acquisition.testing;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs {@code client.js} of {@link NodeOpcuaFixture#dir()}: a node-opcua client playing a
 * third-party OPC UA client against our servers, one command per run. Call
 * {@link NodeOpcuaFixture#assumeInstalled()} first.
 *
 * @param endpointUrl the server's endpoint
 * @param policy a SecurityPolicy name (None, Basic256Sha256, Aes256_Sha256_RsaPss, ...)
 * @param mode None, Sign or SignAndEncrypt
 * @param user null for anonymous
 * @param password the user's password (passed through the environment), null for anonymous
 * @param pkiDir the client's PKI folder (its certificate is created there on first use)
 * @param serverCertificate the server certificate it trusts, or null to trust none
 */
public record NodeOpcuaTestClient(String endpointUrl, String policy, String mode, String user, String password,
    Path pkiDir, Path serverCertificate) {
  private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);

  public NodeOpcuaTestClient {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(pkiDir, "pkiDir");
  }

  /** Without the password: a record would print every component in an assertion message. */
  @Override
  public String toString() {
    return "NodeOpcuaTestClient[" + endpointUrl + " " + policy + "/" + mode + " user=" + user + "]";
  }

  /**
   * One run's outcome.
   *
   * @param exitCode 0 when every operation was Good, 1 when one was not, 2 on a usage error
   * @param results the JSON lines it printed, in order
   * @param output everything else it printed (node-opcua's log), for failure messages
   */
  public record Result(int exitCode, List<JsonObject> results, List<String> output) {
    /** The status of a failed run ({@code BadUserAccessDenied}), or null when it succeeded. */
    public String failureStatus() {
      return results.stream().filter(r -> r.containsKey("error")).map(r -> r.getString("status"))
          .findFirst().orElse(null);
    }

    @Override
    public String toString() {
      return "exit " + exitCode + ", results " + results + ", output " + output.subList(
          Math.max(0, output.size() - 20), output.size());
    }
  }

  /**
   * Writes the client's application certificate (DER) to {@code out}, creating it in the PKI
   * folder when needed, so that a server can be told to trust it before the client connects.
   */
  public Path exportCertificate(Path out) {
    Result r = run(List.of("certificate", out.toAbsolutePath().toString()), COMMAND_LIMIT, false);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("node-opcua client: certificate export failed: " + r);
    }
    return out;
  }

  /** Runs one command ({@code read ns=2;s=X}, {@code call <object> <method> String:a}, ...). */
  public Result run(String... command) {
    return run(List.of(command), COMMAND_LIMIT, true);
  }

  private Result run(List<String> command, Duration limit, boolean connects) {
    List<String> args = new ArrayList<>(List.of("node", "client.js", "--pki", pkiDir.toAbsolutePath().toString(),
        "--policy", policy, "--mode", mode));
    if (connects) {
      args.addAll(List.of("--endpoint", Objects.requireNonNull(endpointUrl, "endpointUrl")));
    }
    if (serverCertificate != null) {
      args.addAll(List.of("--trust", serverCertificate.toAbsolutePath().toString()));
    }
    if (user != null) {
      args.addAll(List.of("--user", user));
    }
    args.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(args).directory(NodeOpcuaFixture.dir().toFile());
    builder.environment().remove("OPCUA_PASSWORD");
    if (password != null) {
      builder.environment().put("OPCUA_PASSWORD", password);
    }
    try {
      Process p = builder.start();
      p.getOutputStream().close();
      CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
      CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException("node-opcua client: " + command + " did not finish within " + limit
            + "; stderr: " + stderr.getNow(""));
      }
      List<JsonObject> results = new ArrayList<>();
      List<String> output = new ArrayList<>();
      // node-opcua writes some of its warnings to stdout: only JSON lines are results.
      for (String line : stdout.get(10, TimeUnit.SECONDS).split("\n")) {
        if (line.startsWith("{")) {
          try {
            results.add(new JsonObject(line));
            continue;
          } catch (DecodeException notJson) {
            // a log line that happens to start with a brace
          }
        }
        if (!line.isBlank()) {
          output.add(line);
        }
      }
      stderr.get(10, TimeUnit.SECONDS).lines().filter(l -> !l.isBlank()).forEach(output::add);
      return new Result(p.exitValue(), List.copyOf(results), List.copyOf(output));
    } catch (IOException e) {
      throw new IllegalStateException("node-opcua client: cannot run `node`: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("node-opcua client: interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("node-opcua client: reading its output failed: " + e, e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
