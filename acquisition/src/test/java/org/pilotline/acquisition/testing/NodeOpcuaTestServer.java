package org.pilotline.acquisition.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node-opcua server ({@code server.js} of {@link NodeOpcuaFixture#dir()}) in a child process,
 * for interop ITs: our client against a third-party server.
 *
 * <p>It listens on a free port of 127.0.0.1 with the endpoints None, Basic256Sha256 and
 * Aes256_Sha256_RsaPss (SignAndEncrypt), trusts exactly the client certificates given, and
 * serves eighteen variables (Double, Float, Int32, UInt32, Boolean and String, each under a
 * string, a numeric and a GUID NodeId) whose values change every period. Every value it serves
 * is logged first on its stdout; {@link #valueAt} answers what a node held at a source time, so
 * that a test checks stored values against what was really served.
 *
 * <p>Call {@link NodeOpcuaFixture#assumeInstalled()} first. The process dies with the JVM: its
 * stdin is held here, and it exits when that closes.
 */
public final class NodeOpcuaTestServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeOpcuaTestServer.class);
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final String READY = "READY ";
  private static final String WRITE = "WRITE ";

  /** One variable of the server: its NodeId (namespace by URI) and OPC UA data type name. */
  public record Variable(String nodeId, String dataType) {}

  private final Process process;
  private final String endpointUrl;
  private final String namespaceUri;
  private final Path certificateFile;
  private final List<Variable> variables;
  private final Map<String, NavigableMap<Instant, Object>> served;
  private final List<String> output;

  private NodeOpcuaTestServer(Process process, JsonObject ready, Map<String, NavigableMap<Instant, Object>> served,
      List<String> output) {
    this.process = process;
    this.endpointUrl = ready.getString("endpoint");
    this.namespaceUri = ready.getString("namespaceUri");
    this.certificateFile = Path.of(ready.getString("certificate"));
    List<Variable> vars = new ArrayList<>();
    JsonArray nodes = ready.getJsonArray("nodes");
    for (int i = 0; i < nodes.size(); i++) {
      JsonObject n = nodes.getJsonObject(i);
      vars.add(new Variable(n.getString("nodeId"), n.getString("dataType")));
    }
    this.variables = List.copyOf(vars);
    this.served = served;
    this.output = output;
  }

  /**
   * Starts the server and waits (at most 60 s) until it listens.
   *
   * @param pkiDir a fresh folder for the server's own certificate and trust lists
   * @param trustedClientCertificates DER or PEM files of the client certificates it trusts
   * @param user the one user it accepts, with {@code password}; null for anonymous logins only
   * @param periodMs how often the values change
   */
  public static NodeOpcuaTestServer start(Path pkiDir, List<Path> trustedClientCertificates, String user,
      String password, int periodMs) {
    Path dir = NodeOpcuaFixture.dir();
    int port = TestLines.freePort();
    List<String> command = new ArrayList<>(List.of("node", "server.js", Integer.toString(port),
        "--pki", pkiDir.toAbsolutePath().toString(), "--period-ms", Integer.toString(periodMs)));
    for (Path cert : trustedClientCertificates) {
      command.add("--trust");
      command.add(cert.toAbsolutePath().toString());
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().remove("OPCUA_USER");
    builder.environment().remove("OPCUA_PASSWORD");
    if (user != null) {
      // Through the environment: a command line is visible to every user of the machine.
      builder.environment().put("OPCUA_USER", user);
      builder.environment().put("OPCUA_PASSWORD", Objects.requireNonNull(password, "password"));
    }
    long t0 = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("node-opcua test server: cannot run `node` in " + dir + ": " + e.getMessage(), e);
    }
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Map<String, NavigableMap<Instant, Object>> served = new ConcurrentHashMap<>();
    CompletableFuture<JsonObject> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(process, output, served, ready), "node-opcua-test-server-out");
    pump.setDaemon(true);
    pump.start();
    try {
      JsonObject line = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      LOG.info("node-opcua test server: endpoint={}, startMs={}", line.getString("endpoint"),
          (System.nanoTime() - t0) / 1_000_000);
      return new NodeOpcuaTestServer(process, line, served, output);
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly();
      throw new IllegalStateException("node-opcua test server did not get ready within " + START_TIMEOUT_SECONDS
          + " s: " + (e instanceof ExecutionException ? e.getCause().getMessage() : "timeout")
          + "; its output: " + String.join(" | ", tail(output)), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("node-opcua test server: interrupted while starting", e);
    }
  }

  /** {@code opc.tcp://127.0.0.1:<port>/pilotline}. */
  public String endpointUrl() {
    return endpointUrl;
  }

  public String namespaceUri() {
    return namespaceUri;
  }

  /** The server's application certificate (DER), for the client's trusted folder. */
  public Path certificateFile() {
    return certificateFile;
  }

  /** The eighteen changing variables, NodeIds in {@code nsu=} form. */
  public List<Variable> variables() {
    return variables;
  }

  /**
   * What the server served on a node with exactly this source time: a Double for numeric types,
   * a Boolean, or a String; empty when it served nothing then.
   */
  public Optional<Object> valueAt(String nodeId, Instant sourceTime) {
    NavigableMap<Instant, Object> values = served.get(nodeId);
    return values == null ? Optional.empty() : Optional.ofNullable(values.get(sourceTime));
  }

  /** How many values the server has served on a node so far. */
  public int servedCount(String nodeId) {
    NavigableMap<Instant, Object> values = served.get(nodeId);
    return values == null ? 0 : values.size();
  }

  /** The last lines the process printed, for failure messages. */
  public List<String> recentOutput() {
    return tail(output);
  }

  /** Stops the server (SIGTERM, then SIGKILL) and waits, bounded, for it to go. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static List<String> tail(List<String> output) {
    synchronized (output) {
      return List.copyOf(output.subList(Math.max(0, output.size() - 30), output.size()));
    }
  }

  private static void pump(Process process, List<String> output, Map<String, NavigableMap<Instant, Object>> served,
      CompletableFuture<JsonObject> ready) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith(WRITE)) {
          record(new JsonObject(line.substring(WRITE.length())), served);
          continue;
        }
        output.add(line);
        if (line.startsWith(READY)) {
          ready.complete(new JsonObject(line.substring(READY.length())));
        } else {
          LOG.debug("node-opcua test server: {}", line);
        }
      }
    } catch (IOException | RuntimeException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IllegalStateException("the server exited"));
  }

  private static void record(JsonObject write, Map<String, NavigableMap<Instant, Object>> served) {
    Instant ts = Instant.parse(write.getString("ts"));
    for (Map.Entry<String, Object> e : write.getJsonObject("values")) {
      Object v = e.getValue() instanceof Number n ? (Object) n.doubleValue() : e.getValue();
      served.computeIfAbsent(e.getKey(), k -> new ConcurrentSkipListMap<>()).put(ts, v);
    }
  }
}
