package org.pilotline.acquisition.opcua;

import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS;
import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME;
import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_X509;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.X509IdentityValidator;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;

/**
 * A real Milo server in the test JVM: one None/None endpoint on 127.0.0.1 and a free port, and a
 * namespace of writable variables whose value, status and timestamps a test sets directly.
 *
 * <p>Another namespace is registered before the test namespace, so that its index is 3, not the
 * 2 a client might wrongly assume.
 */
final class MiloTestServer implements AutoCloseable {
  static final String NAMESPACE_URI = "urn:pilotline:test";
  static final String PATH = "/pilotline/test";

  private final OpcUaServer server;
  private final TestNamespace namespace;
  private final int port;

  private MiloTestServer(OpcUaServer server, TestNamespace namespace, int port) {
    this.server = server;
    this.namespace = namespace;
    this.port = port;
  }

  /**
   * Starts a server with these variables, by browse name and DataType (such as {@link
   * NodeIds#Double}); each gets the NodeId {@code ns=<test>;s=<name>} and a Good initial value.
   */
  static MiloTestServer start(Map<String, NodeId> variables) throws Exception {
    return start(variables, freePort());
  }

  /** As {@link #start(Map)}, on a given port (a server that comes up where a client already waits). */
  static MiloTestServer start(Map<String, NodeId> variables, int port) throws Exception {
    KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    return start(variables, keyPair, certificate(keyPair), List.of(), null, List.of(), port);
  }

  /** A certificate for this server's key pair, as {@link #start(Map)} makes. */
  static X509Certificate certificate(KeyPair keyPair) throws Exception {
    return new SelfSignedCertificateBuilder(keyPair)
        .setCommonName("pilotline test server")
        .setApplicationUri("urn:pilotline:test:server")
        .addIpAddress("127.0.0.1")
        .build();
  }

  /**
   * Starts a server offering None/None (anonymous) and every secure policy with Sign and
   * SignAndEncrypt.
   *
   * @param trustedClients the client application certificates the server accepts
   * @param users null: the secure endpoints accept anonymous users; otherwise they accept only
   *     these user names with these passwords, and X.509 users whose certificate is in
   *     {@code userCertificates}
   */
  static MiloTestServer start(Map<String, NodeId> variables, KeyPair keyPair, X509Certificate certificate,
      List<X509Certificate> trustedClients, Map<String, String> users, List<X509Certificate> userCertificates)
      throws Exception {
    return start(variables, keyPair, certificate, trustedClients, users, userCertificates, freePort());
  }

  private static MiloTestServer start(Map<String, NodeId> variables, KeyPair keyPair, X509Certificate certificate,
      List<X509Certificate> trustedClients, Map<String, String> users, List<X509Certificate> userCertificates,
      int port) throws Exception {
    var trust = new MemoryTrustListManager();
    trustedClients.forEach(trust::addTrustedCertificate);
    var quarantine = new MemoryCertificateQuarantine();
    var certificateFactory = new RsaSha256CertificateFactory() {
      @Override
      protected KeyPair createRsaSha256KeyPair() {
        return keyPair;
      }

      @Override
      protected X509Certificate[] createRsaSha256CertificateChain(KeyPair kp) {
        return new X509Certificate[] {certificate};
      }
    };
    var group = DefaultApplicationGroup.createAndInitialize(
        trust, new MemoryCertificateStore(), certificateFactory,
        new DefaultServerCertificateValidator(trust, quarantine));

    EndpointConfig.Builder base = EndpointConfig.newBuilder()
        .setBindAddress("127.0.0.1")
        // Advertised as "localhost" while the client is configured with 127.0.0.1, as real
        // equipment advertises names the client cannot always use.
        .setHostname("localhost")
        .setBindPort(port)
        .setPath(PATH)
        .setCertificate(certificate)
        .setTransportProfile(TransportProfile.TCP_UASC_UABINARY);
    Set<EndpointConfig> endpoints = new LinkedHashSet<>();
    endpoints.add(base.copy()
        .setSecurityPolicy(SecurityPolicy.None)
        .setSecurityMode(MessageSecurityMode.None)
        .addTokenPolicies(USER_TOKEN_POLICY_ANONYMOUS)
        .build());
    if (!trustedClients.isEmpty()) {
      for (SecurityPolicy policy : List.of(SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep,
          SecurityPolicy.Aes256_Sha256_RsaPss)) {
        for (MessageSecurityMode mode : List.of(MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt)) {
          endpoints.add(base.copy()
              .setSecurityPolicy(policy)
              .setSecurityMode(mode)
              .addTokenPolicies(users == null
                  ? new UserTokenPolicy[] {USER_TOKEN_POLICY_ANONYMOUS}
                  : new UserTokenPolicy[] {USER_TOKEN_POLICY_USERNAME, USER_TOKEN_POLICY_X509})
              .build());
        }
      }
    }

    IdentityValidator identities = users == null
        ? AnonymousIdentityValidator.INSTANCE
        : new CompositeValidator(AnonymousIdentityValidator.INSTANCE,
            new UsernameIdentityValidator(
                challenge -> challenge.getPassword().equals(users.get(challenge.getUsername()))),
            new X509IdentityValidator(userCertificates::contains));
    OpcUaServerConfig config = OpcUaServerConfig.builder()
        .setApplicationUri("urn:pilotline:test:server")
        .setApplicationName(LocalizedText.english("pilotline test server"))
        .setProductUri("urn:pilotline:test")
        .setEndpoints(endpoints)
        .setCertificateManager(new DefaultCertificateManager(quarantine, group))
        .setIdentityValidator(identities)
        .build();

    OpcUaServer server = new OpcUaServer(config,
        profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
    server.getNamespaceTable().add("urn:pilotline:test:padding");
    TestNamespace namespace = new TestNamespace(server, variables);
    namespace.startup();
    server.startup().get(20, TimeUnit.SECONDS);
    return new MiloTestServer(server, namespace, port);
  }

  String endpointUrl() {
    return "opc.tcp://127.0.0.1:" + port + PATH;
  }

  int namespaceIndex() {
    return namespace.getNamespaceIndex().intValue();
  }

  /** The NodeId text of a variable in the namespace-URI form the line config uses. */
  static String nodeIdText(String name) {
    return "nsu=" + NAMESPACE_URI + ";s=" + name;
  }

  /** Sets a Good value whose source time is {@code sourceTime}. */
  void write(String name, Object value, Instant sourceTime) {
    write(name, value, StatusCode.GOOD.getValue(), sourceTime);
  }

  /** Sets a value with any StatusCode; the server time is the server's now. */
  void write(String name, Object value, long statusCode, Instant sourceTime) {
    UaVariableNode node = namespace.nodes.get(name);
    if (node == null) {
      throw new IllegalArgumentException("no variable " + name);
    }
    node.setValue(new DataValue(
        new Variant(value), new StatusCode(statusCode), new DateTime(sourceTime), DateTime.now()));
  }

  /** Sets a value exactly as given: any Variant, any timestamps (null, the 1601 epoch). */
  void writeRaw(String name, DataValue value) {
    UaVariableNode node = namespace.nodes.get(name);
    if (node == null) {
      throw new IllegalArgumentException("no variable " + name);
    }
    node.setValue(value);
  }

  /**
   * Closes every session on the server side, as a server does when it drops a client; with
   * {@code deleteSubscriptions} false the subscriptions stay, waiting to be transferred.
   */
  void killSessions(boolean deleteSubscriptions) {
    var sessions = server.getSessionManager();
    sessions.getAllSessions().forEach(s -> sessions.killSession(s.getSessionId(), deleteSubscriptions));
  }

  @Override
  public void close() throws Exception {
    try {
      server.shutdown().get(10, TimeUnit.SECONDS);
    } finally {
      namespace.shutdown();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static final class TestNamespace extends ManagedNamespaceWithLifecycle {
    private final SubscriptionModel subscriptionModel;
    private final Map<String, UaVariableNode> nodes = new ConcurrentHashMap<>();

    TestNamespace(OpcUaServer server, Map<String, NodeId> variables) {
      super(server, NAMESPACE_URI);
      subscriptionModel = new SubscriptionModel(server, this);
      getLifecycleManager().addLifecycle(subscriptionModel);
      Map<String, NodeId> ordered = new LinkedHashMap<>(variables);
      getLifecycleManager().addStartupTask(() -> ordered.forEach(this::addVariable));
    }

    private void addVariable(String name, NodeId dataType) {
      UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
          .setNodeId(newNodeId(name))
          .setAccessLevel(AccessLevel.READ_WRITE)
          .setUserAccessLevel(AccessLevel.READ_WRITE)
          .setBrowseName(newQualifiedName(name))
          .setDisplayName(LocalizedText.english(name))
          .setDataType(dataType)
          .setTypeDefinition(NodeIds.BaseDataVariableType)
          .build();
      node.setValue(new DataValue(initialValue(dataType), StatusCode.GOOD, DateTime.now(), DateTime.now()));
      node.addReference(new Reference(
          node.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), Reference.Direction.INVERSE));
      getNodeManager().addNode(node);
      nodes.put(name, node);
    }

    private static Variant initialValue(NodeId dataType) {
      if (NodeIds.String.equals(dataType)) {
        return new Variant("");
      }
      if (NodeIds.Boolean.equals(dataType)) {
        return new Variant(false);
      }
      if (NodeIds.Float.equals(dataType)) {
        return new Variant(0.0f);
      }
      if (NodeIds.Int32.equals(dataType)) {
        return new Variant(0);
      }
      if (NodeIds.UInt32.equals(dataType)) {
        return new Variant(uint(0));
      }
      return new Variant(0.0);
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
      subscriptionModel.onDataItemsCreated(dataItems);
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
      subscriptionModel.onDataItemsModified(dataItems);
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
      subscriptionModel.onDataItemsDeleted(dataItems);
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
      subscriptionModel.onMonitoringModeChanged(monitoredItems);
    }
  }
}
