package org.pilotline.hmi.opcua;

import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS;
import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.pilotline.acquisition.config.ApplicationConfig;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.opcua.security.Pki;
import org.pilotline.analytics.Addresses;
import org.pilotline.analytics.anomaly.Anomaly;
import org.pilotline.analytics.anomaly.AnomalyJson;
import org.pilotline.analytics.anomaly.AnomalyLedger;
import org.pilotline.analytics.anomaly.CellVerdict;
import org.pilotline.hmi.auth.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The result server: pilotline's own OPC UA server for MES and PLCs, separate from the simulator.
 * It shows the state of each station, the latest verdict per station, the newest open anomalies,
 * and offers the method {@code AcknowledgeAnomaly(Id, Comment)} to engineers. The address space is
 * described in docs/OPERATIONS.md and in {@link ResultNamespace}.
 *
 * <p>Security: secure endpoints only (the configured policies with the configured modes); a None
 * endpoint exists only with {@code allowNone}. Users log in by name and password from the
 * {@link UserStore}; anonymous clients are refused unless {@code anonymous} is set. The server's
 * certificate and the client certificates it trusts live in their own PKI folder, managed with
 * {@code Launcher pki list|trust --dir <pkiDir>}.
 *
 * <p>Threads: the address space changes on this verticle's event loop (bus messages, a state
 * refresh every {@link #STATE_REFRESH_MS}); the database is asked on a small pool of its own, which
 * Milo's threads wait for with a bound (logins, acknowledgements).
 */
public final class ResultServer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ResultServer.class);

  /** The namespace of every node this server adds. */
  public static final String NAMESPACE_URI = "urn:pilotline:result";
  public static final String APPLICATION_URI = "urn:pilotline:result-server";
  /** Station states are derived again this often, besides on every unit change. */
  static final long STATE_REFRESH_MS = 1_000;
  /** Acknowledged ids remembered so that a stale ledger read cannot show them again. */
  private static final int RECENTLY_ACKNOWLEDGED = 1_000;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ApplicationConfig.ResultServer config;
  private final Line line;
  private final AnomalyLedger ledger;
  private final UserStore users;
  private final Supplier<Map<String, TagStatus>> statuses;
  private final Clock clock;
  private final Map<String, String> slots = new ConcurrentHashMap<>();
  // Touched on the event loop only.
  private final Set<Long> recentlyAcknowledged = java.util.Collections.newSetFromMap(
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
          return size() > RECENTLY_ACKNOWLEDGED;
        }
      });
  private ExecutorService workers;
  private FileBasedTrustListManager trust;
  private OpcUaServer server;
  private ResultNamespace namespace;
  private volatile List<String> endpointUrls = List.of();
  private volatile int port;
  private long refreshTimer = -1;

  /**
   * @param statuses the subscription status of every tag and unit node of this node's equipment,
   *     by key (as {@code PilotlineNode.tagStatuses()}); asked on the event loop, must not block
   */
  public ResultServer(ApplicationConfig.ResultServer config, Line line, AnomalyLedger ledger, UserStore users,
      Supplier<Map<String, TagStatus>> statuses, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.line = Objects.requireNonNull(line, "line");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.users = Objects.requireNonNull(users, "users");
    this.statuses = Objects.requireNonNull(statuses, "statuses");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The NodeId text of a node of this server by its path, e.g. {@code Line/Stations/coating/State}. */
  public static String nodeIdText(String path) {
    return "nsu=" + NAMESPACE_URI + ";s=" + path;
  }

  /** The endpoint URLs, one per path (all policies share it); empty before the start. */
  public List<String> endpointUrls() {
    return endpointUrls;
  }

  /** The bound port (the configured one, or the free one picked for port 0). */
  public int port() {
    return port;
  }

  @Override
  public Future<?> start() {
    workers = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "pilotline-result-server-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    long t0 = System.nanoTime();
    return vertx.executeBlocking(this::build)
        .compose(s -> Future.fromCompletionStage(s.startup(), context)
            .recover(e -> Future.failedFuture(new IllegalStateException("result server cannot listen on "
                + config.host() + ":" + port + ": " + rootCause(e), e))))
        .compose(s -> {
          listen();
          refreshStates();
          refreshTimer = vertx.setPeriodic(STATE_REFRESH_MS, id -> refreshStates());
          return reloadAnomalies();
        })
        .recover(e -> stop().transform(ignored -> Future.failedFuture(e)))
        .onSuccess(v -> LOG.info("result server started: endpoints={}, policies={}, modes={}, allowNone={},"
                + " anonymous={}, pkiDir={}, ms={}", endpointUrls, config.securityPolicies(),
            config.securityModes(), config.allowNone(), config.anonymous(), config.pkiDir(),
            (System.nanoTime() - t0) / 1_000_000));
  }

  /** Opens the PKI folder (making the certificate on first use) and builds the server: blocking. */
  private OpcUaServer build() throws Exception {
    Pki pki = Pki.open(config.pkiDir());
    String host = config.endpointHost();
    Pki.ApplicationIdentity identity =
        pki.applicationIdentity(APPLICATION_URI, "pilotline result server", List.of(host));
    String uri = CertificateUtil.getSanUri(identity.certificate()).orElse("");
    if (!uri.equals(APPLICATION_URI)) {
      // Clients check that the certificate names the server's application URI.
      throw new IllegalStateException("resultServer.pkiDir " + pki.dir() + " holds the certificate of another"
          + " application (URI \"" + uri + "\"); give the result server a PKI folder of its own");
    }
    trust = FileBasedTrustListManager.createAndInitialize(pki.dir());
    long active = users.activeCount();
    if (active == 0) {
      LOG.warn("result server: the user store has no active user, so every login is refused; add one with:"
          + " Launcher users add <name> --roles engineer (see docs/OPERATIONS.md)");
    }
    port = config.port() == 0 ? freePort(config.host()) : config.port();

    RejectedClientCertificates quarantine = new RejectedClientCertificates(pki);
    KeyPair keyPair = identity.keyPair();
    X509Certificate certificate = identity.certificate();
    RsaSha256CertificateFactory certificates = new RsaSha256CertificateFactory() {
      @Override
      protected KeyPair createRsaSha256KeyPair() {
        return keyPair;
      }

      @Override
      protected X509Certificate[] createRsaSha256CertificateChain(KeyPair kp) {
        return new X509Certificate[] {certificate};
      }
    };
    DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(trust, new MemoryCertificateStore(),
        certificates, new DefaultServerCertificateValidator(trust, quarantine));

    Set<EndpointConfig> endpoints = endpoints(certificate, host);
    endpointUrls = List.of("opc.tcp://" + host + ":" + port + config.path());
    IdentityValidator byName = new UserStoreIdentityValidator(users, workers);
    OpcUaServerConfig serverConfig = OpcUaServerConfig.builder()
        .setApplicationUri(APPLICATION_URI)
        .setApplicationName(LocalizedText.english("pilotline result server"))
        .setProductUri("urn:pilotline")
        .setEndpoints(endpoints)
        .setCertificateManager(new DefaultCertificateManager(quarantine, group))
        .setIdentityValidator(config.anonymous()
            ? new CompositeValidator(AnonymousIdentityValidator.INSTANCE, byName) : byName)
        .build();
    server = new OpcUaServer(serverConfig,
        profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
    namespace = new ResultNamespace(server, line, config.maxAnomalies(),
        new AcknowledgeMethod.Acknowledger(ledger, workers, clock, this::published));
    namespace.startup();
    LOG.info("result server certificate: file={}, thumbprint={}, activeUsers={}",
        pki.certificateFile(), Pki.thumbprint(certificate), active);
    return server;
  }

  private Set<EndpointConfig> endpoints(X509Certificate certificate, String host) {
    EndpointConfig.Builder base = EndpointConfig.newBuilder()
        .setBindAddress(config.host())
        .setHostname(host)
        .setBindPort(port)
        .setPath(config.path())
        .setCertificate(certificate)
        .setTransportProfile(TransportProfile.TCP_UASC_UABINARY);
    List<UserTokenPolicy> tokens = new ArrayList<>();
    tokens.add(USER_TOKEN_POLICY_USERNAME);
    if (config.anonymous()) {
      tokens.add(USER_TOKEN_POLICY_ANONYMOUS);
    }
    Set<EndpointConfig> endpoints = new LinkedHashSet<>();
    for (String policy : config.securityPolicies()) {
      for (String mode : config.securityModes()) {
        endpoints.add(base.copy()
            .setSecurityPolicy(SecurityPolicy.valueOf(policy))
            .setSecurityMode(MessageSecurityMode.valueOf(mode))
            .addTokenPolicies(tokens.toArray(UserTokenPolicy[]::new))
            .build());
      }
    }
    if (config.allowNone()) {
      // Without a secure channel the password would travel in clear: the token is encrypted on its own.
      UserTokenPolicy encryptedName = new UserTokenPolicy("username_basic256sha256", UserTokenType.UserName,
          null, null, SecurityPolicy.Basic256Sha256.getUri());
      List<UserTokenPolicy> noneTokens = new ArrayList<>(List.of(encryptedName));
      if (config.anonymous()) {
        noneTokens.add(USER_TOKEN_POLICY_ANONYMOUS);
      }
      endpoints.add(base.copy()
          .setSecurityPolicy(SecurityPolicy.None)
          .setSecurityMode(MessageSecurityMode.None)
          .addTokenPolicies(noneTokens.toArray(UserTokenPolicy[]::new))
          .build());
      LOG.warn("result server offers an endpoint without security (resultServer.allowNone): values and"
          + " method calls travel unsigned and in clear; never use it on a network");
    }
    return endpoints;
  }

  private void listen() {
    EventBus bus = vertx.eventBus();
    bus.<Object>consumer(Addresses.VERDICTS, m -> json(m.body(), Addresses.VERDICTS)
        .ifPresent(j -> {
          CellVerdict v;
          try {
            v = AnomalyJson.verdict(j);
          } catch (RuntimeException e) {
            LOG.warn("verdict not shown: not a verdict: reason={}, message={}", e.toString(), j.encode());
            return;
          }
          namespace.showVerdict(v);
        }));
    bus.<Object>consumer(Addresses.ANOMALIES, m -> anomaly(m.body(), Addresses.ANOMALIES).ifPresent(a -> {
      if (a.id() != 0 && a.state() == Anomaly.State.OPEN && !recentlyAcknowledged.contains(a.id())) {
        namespace.showAnomaly(a);
      }
    }));
    bus.<Object>consumer(Addresses.ACKNOWLEDGED, m -> anomaly(m.body(), Addresses.ACKNOWLEDGED).ifPresent(a -> {
      recentlyAcknowledged.add(a.id());
      boolean wasFull = namespace.anomalyCount() >= config.maxAnomalies();
      if (namespace.removeAnomaly(a.id()) && wasFull) {
        // An older open anomaly may now fit in the folder: only the ledger knows which.
        reloadAnomalies();
      }
    }));
    bus.<CellEvent>consumer(org.pilotline.acquisition.Addresses.CELL_EVENTS, m -> {
      CellEvent e = m.body();
      slots.put(e.equipmentId() + "/" + e.slot(), e.unit() == null ? "" : e.unit());
      refreshStates();
    });
    bus.<TagStatus>consumer(org.pilotline.acquisition.Addresses.TAG_STATUS, m -> refreshStates());
  }

  private void published(Anomaly acknowledged) {
    vertx.eventBus().publish(Addresses.ACKNOWLEDGED, AnomalyJson.toJson(acknowledged));
  }

  private void refreshStates() {
    try {
      namespace.showStates(StationState.derive(line, statuses.get(), slots));
    } catch (RuntimeException e) {
      LOG.warn("station states not refreshed: reason={}", e.toString());
    }
  }

  /** Shows the ledger's newest open anomalies; a failure is logged and the folder kept as it is. */
  private Future<Void> reloadAnomalies() {
    return vertx.executeBlocking(() -> ledger.open(config.maxAnomalies()), false)
        .map(open -> {
          namespace.showOpenAnomalies(open.stream().filter(a -> !recentlyAcknowledged.contains(a.id())).toList());
          return (Void) null;
        })
        .recover(e -> {
          LOG.warn("open anomalies not loaded from the ledger: reason={}", e.toString());
          return Future.succeededFuture();
        });
  }

  private static Optional<JsonObject> json(Object body, String address) {
    if (body instanceof JsonObject j) {
      return Optional.of(j);
    }
    if (body instanceof String s) {
      try {
        return Optional.of(new JsonObject(s));
      } catch (RuntimeException e) {
        LOG.warn("message ignored: address={}, reason=not JSON: {}", address, e.getMessage());
        return Optional.empty();
      }
    }
    LOG.warn("message ignored: address={}, reason=not JSON but {}", address,
        body == null ? "null" : body.getClass().getName());
    return Optional.empty();
  }

  private static Optional<Anomaly> anomaly(Object body, String address) {
    return json(body, address).flatMap(j -> {
      try {
        return Optional.of(AnomalyJson.anomaly(j));
      } catch (RuntimeException e) {
        LOG.warn("message ignored: address={}, reason=not an anomaly: {}, message={}", address, e, j.encode());
        return Optional.empty();
      }
    });
  }

  @Override
  public Future<?> stop() {
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
      refreshTimer = -1;
    }
    Future<?> stopped = server == null ? Future.succeededFuture()
        : Future.fromCompletionStage(server.shutdown(), context);
    return stopped.eventually(() -> vertx.executeBlocking(() -> {
      if (namespace != null) {
        namespace.shutdown();
      }
      if (trust != null) {
        trust.close();
      }
      if (workers != null) {
        workers.shutdownNow();
      }
      LOG.info("result server stopped: endpoints={}", endpointUrls);
      return null;
    }));
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.toString();
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    }
  }
}
