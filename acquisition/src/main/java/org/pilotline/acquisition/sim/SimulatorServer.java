package org.pilotline.acquisition.sim;

import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.model.variables.BaseAnalogType;
import org.eclipse.milo.opcua.sdk.server.nodes.AttributeObserver;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.UnitNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pilot-line simulator as OPC UA servers: one Milo {@link OpcUaServer} per port named in the
 * line's endpoint URLs, each with a None-security endpoint for every path on that port, and a
 * variable for every tag (Double, with an EngineeringUnits property) and unit node (String) of
 * the equipment on that port, in folders per station and equipment. A driver thread steps a
 * {@link LineSimulation} every {@link SimulatorOptions#tickMs()} of real time at
 * {@link SimulatorOptions#timeScale()} and writes the values with source times on the simulated
 * clock (which starts at the wall-clock start and runs ahead when timeScale &gt; 1) and server
 * times on the wall clock.
 *
 * <p>NodeIds in the line may use {@code nsu=<uri>;...} (each URI becomes a namespace; the
 * simulator's own is {@value #NAMESPACE_URI}) or {@code ns=<n>;...} with n &ge; 2 (filler
 * namespaces are registered until index n exists). Namespaces 0 and 1 are refused.
 *
 * <p>All paths on a port share one address space (the port's equipment together), and Milo's
 * GetEndpoints answers with the endpoints of every path on the requested host, so a client should
 * pick the endpoint whose URL equals the one it asked for ({@code OpcUaClient.create(url)} takes
 * the first None endpoint, which may carry another path; the session works the same either way).
 * Unit changes are written in order, but a client samples nodes: keep
 * {@code taktSeconds * 1000 / timeScale} well above the unit nodes' sampling interval, or
 * intermediate units are missed.
 */
public final class SimulatorServer {
  public static final String NAMESPACE_URI = "urn:pilotline:sim";
  private static final Logger LOG = LoggerFactory.getLogger(SimulatorServer.class);
  private static final String UNECE_UNITS = "http://www.opcfoundation.org/UA/units/un/cefact";

  private final Line line;
  private final SimulatorOptions options;
  private final WriteListener listener;
  private final List<PortServer> servers = new ArrayList<>();
  private final Map<String, UaVariableNode> nodes = new ConcurrentHashMap<>();
  private final AtomicLong valuesWritten = new AtomicLong();
  private final AtomicLong cellsFinished = new AtomicLong();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private volatile boolean reportEveryWrite;
  private volatile LineSimulation simulation;
  private volatile Instant simNow;
  private ScheduledExecutorService driver;
  private GroundTruthWriter groundTruth;
  private long startNanos;

  private SimulatorServer(Line line, SimulatorOptions options, WriteListener listener) {
    this.line = line;
    this.options = options;
    this.listener = listener;
  }

  /** Same as {@link #create(Line, SimulatorOptions, WriteListener)} without a listener. */
  public static SimulatorServer create(Line line, SimulatorOptions options) {
    return create(line, options, WriteListener.NONE);
  }

  /**
   * Builds the servers and their address spaces; nothing is bound until {@link #startAsync()}.
   *
   * @throws IllegalArgumentException for an endpoint URL, NodeId or fault the simulator cannot serve
   */
  public static SimulatorServer create(Line line, SimulatorOptions options, WriteListener listener) {
    Objects.requireNonNull(line, "line");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    // Faults are checked against the line now rather than when the clock starts.
    new LineSimulation(line, options, Instant.EPOCH);
    SimulatorServer s = new SimulatorServer(line, options, listener);
    Map<String, List<Placed>> byPort = new LinkedHashMap<>();
    for (Station station : line.stations()) {
      for (Equipment e : station.equipment()) {
        Endpoint ep = Endpoint.of(e);
        byPort.computeIfAbsent(ep.host + ":" + ep.port, k -> new ArrayList<>()).add(new Placed(station, e, ep));
      }
    }
    byPort.values().forEach(placed -> s.servers.add(s.new PortServer(placed)));
    return s;
  }

  /**
   * Reports every value written to a tag or unit node to every subscriber (exception-based), instead
   * of letting Milo sample the nodes at each item's sampling interval. With sampling, a value that is
   * replaced before the next sample never leaves the server; reported on every write, what the
   * simulator wrote is exactly what subscribers are offered (a monitored item's queue can still
   * overflow if its client does not publish in time). Fault tests and the soak use it to count both
   * ends exactly. Call before {@link #startAsync()}; items created later follow it.
   */
  public SimulatorServer reportEveryWrite() {
    reportEveryWrite = true;
    return this;
  }

  /** Binds every server, then starts the simulated clock at the wall-clock time and the driver. */
  public synchronized CompletableFuture<SimulatorServer> startAsync() {
    if (driver != null) {
      return CompletableFuture.failedFuture(new IllegalStateException("already started"));
    }
    long t0 = System.nanoTime();
    List<CompletableFuture<OpcUaServer>> starts = servers.stream().map(p -> p.server.startup()).toList();
    return CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).thenApply(v -> {
      startClock();
      LOG.info("simulator started: servers={}, nodes={}, timeScale={}, seed={}, startupMs={}",
          servers.size(), nodes.size(), options.timeScale(), options.seed(), (System.nanoTime() - t0) / 1_000_000);
      return this;
    });
  }

  private synchronized void startClock() {
    if (options.groundTruth() != null) {
      try {
        groundTruth = new GroundTruthWriter(options.groundTruth());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Instant start = Instant.now();
    simNow = start;
    simulation = new LineSimulation(line, options, start);
    startNanos = System.nanoTime();
    driver = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pilotline-sim-driver");
      t.setDaemon(true);
      return t;
    });
    driver.scheduleAtFixedRate(this::tick, 0, options.tickMs(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      long elapsed = System.nanoTime() - startNanos;
      Instant now = simulation.start().plusNanos(Math.round(elapsed * options.timeScale()));
      if (options.duration() != null && now.isAfter(simulation.start().plus(options.duration()))) {
        now = simulation.start().plus(options.duration());
      }
      SimStep step = simulation.step(now);
      simNow = now;
      DateTime serverTime = DateTime.now();
      for (SimUpdate u : step.updates()) {
        write(u, serverTime);
      }
      for (FinishedCell c : step.finishedCells()) {
        if (groundTruth != null) {
          groundTruth.write(c);
        }
        cellsFinished.incrementAndGet();
      }
      if (options.duration() != null && !now.isBefore(simulation.start().plus(options.duration()))) {
        finished.complete(null);
        driver.shutdown();
      }
    } catch (RuntimeException e) {
      // A throwing task would silently cancel the schedule; log and keep the line running.
      LOG.error("simulation step failed: simTime={}", simNow, e);
    }
  }

  private void write(SimUpdate u, DateTime serverTime) {
    UaVariableNode node = nodes.get(u.nodeId());
    if (node == null) {
      return;
    }
    StatusCode status = new StatusCode(u.statusCode());
    DateTime source = new DateTime(u.sourceTime());
    if (u instanceof SimUpdate.TagValue v) {
      node.setValue(new DataValue(new Variant(v.value()), status, source, serverTime));
      listener.onWrite(v.nodeId(), v.sourceTime(), v.value(), v.statusCode());
    } else if (u instanceof SimUpdate.UnitValue v) {
      node.setValue(new DataValue(new Variant(v.unit()), status, source, serverTime));
      listener.onUnitWrite(v.nodeId(), v.sourceTime(), v.unit(), v.statusCode());
    }
    valuesWritten.incrementAndGet();
  }

  /**
   * Makes a node report {@code statusCode} (its value kept) from now on, including a rewrite of
   * its current value at once. For tests of quality handling.
   *
   * @throws IllegalArgumentException when no node has that id
   */
  public void injectStatus(String nodeIdText, long statusCode) {
    UaVariableNode node = nodes.get(nodeIdText);
    if (node == null) {
      throw new IllegalArgumentException("no simulated node \"" + nodeIdText + "\"");
    }
    LineSimulation sim = simulation;
    if (sim == null) {
      throw new IllegalStateException("not started");
    }
    sim.injectStatus(nodeIdText, statusCode);
    synchronized (this) {
      if (driver.isShutdown()) {
        rewrite(nodeIdText, node, statusCode);
      } else {
        driver.execute(() -> rewrite(nodeIdText, node, statusCode));
      }
    }
  }

  /** Lets a node report Good again with its next value, and at once. */
  public void clearStatus(String nodeIdText) {
    injectStatus(nodeIdText, StatusCodes.Good);
    simulation.clearStatus(nodeIdText);
  }

  private void rewrite(String nodeIdText, UaVariableNode node, long statusCode) {
    DataValue current = node.getValue();
    Instant at = simNow;
    node.setValue(new DataValue(current.value(), new StatusCode(statusCode), new DateTime(at), DateTime.now()));
    valuesWritten.incrementAndGet();
    Object v = current.value().value();
    if (v instanceof Double d) {
      listener.onWrite(nodeIdText, at, d, statusCode);
    } else if (v instanceof String unit) {
      listener.onUnitWrite(nodeIdText, at, unit, statusCode);
    }
  }

  /**
   * Stops changing values: the driver stops, the nodes keep their last values and the servers go
   * on serving them, so that subscribers still receive what was written last. Load tests use it to
   * end production while acquisition drains. Safe to call twice, and before {@link #stop()}.
   */
  public synchronized void stopChanging() throws InterruptedException {
    if (driver != null) {
      driver.shutdown();
      if (!driver.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("simulator driver did not stop within 10 s");
      }
    }
  }

  /** Stops the driver, then the servers. Safe to call twice. */
  public synchronized void stop() {
    if (driver != null) {
      driver.shutdownNow();
      try {
        driver.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (PortServer p : servers) {
      try {
        p.server.shutdown().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("server shutdown failed: endpoint={}", p.label, e);
      }
      p.namespaces.values().forEach(ManagedNamespaceWithLifecycle::shutdown);
    }
    if (groundTruth != null) {
      try {
        groundTruth.close();
      } catch (IOException e) {
        LOG.warn("ground truth close failed: file={}", options.groundTruth(), e);
      }
      groundTruth = null;
    }
    finished.complete(null);
  }

  /** Values written to nodes so far (tag and unit nodes). */
  public long valuesWritten() {
    return valuesWritten.get();
  }

  public long cellsFinished() {
    return cellsFinished.get();
  }

  /** The simulated time of the last step, or null before the start. */
  public Instant simTime() {
    return simNow;
  }

  /** Completes when the run's {@link SimulatorOptions#duration()} of sim time has passed, or on stop. */
  public CompletableFuture<Void> finished() {
    return finished;
  }

  /** The endpoint URLs served, one per distinct equipment URL. */
  public List<String> endpointUrls() {
    return servers.stream().flatMap(p -> p.urls.stream()).toList();
  }

  // ---------------------------------------------------------------- address space

  private record Endpoint(String host, int port, String path, String url) {
    static Endpoint of(Equipment e) {
      String url = e.endpointUrl();
      try {
        URI uri = new URI(url);
        if (!"opc.tcp".equals(uri.getScheme()) || uri.getHost() == null) {
          throw new IllegalArgumentException("equipment " + e.id() + ": endpointUrl: not an opc.tcp URL with a host: \"" + url + "\"");
        }
        int port = uri.getPort() < 0 ? 4840 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new Endpoint(uri.getHost(), port, path, url);
      } catch (URISyntaxException x) {
        throw new IllegalArgumentException("equipment " + e.id() + ": endpointUrl: not a URL: \"" + url + "\"", x);
      }
    }
  }

  private record Placed(Station station, Equipment equipment, Endpoint endpoint) {}

  /** One Milo server: one port, every path on it. */
  private final class PortServer {
    final OpcUaServer server;
    final String label;
    final List<String> urls = new ArrayList<>();
    final Map<Integer, SimNamespace> namespaces = new LinkedHashMap<>();

    PortServer(List<Placed> placed) {
      Endpoint first = placed.get(0).endpoint;
      label = first.host + ":" + first.port;
      Set<EndpointConfig> endpoints = new LinkedHashSet<>();
      Set<String> paths = new LinkedHashSet<>();
      for (Placed p : placed) {
        if (paths.add(p.endpoint.path)) {
          urls.add(p.endpoint.url);
          endpoints.add(EndpointConfig.newBuilder()
              .setBindAddress(first.host)
              .setHostname(first.host)
              .setBindPort(first.port)
              .setPath(p.endpoint.path)
              .setSecurityPolicy(SecurityPolicy.None)
              .setSecurityMode(MessageSecurityMode.None)
              .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
              .addTokenPolicies(USER_TOKEN_POLICY_ANONYMOUS)
              .build());
        }
      }
      OpcUaServerConfig config = OpcUaServerConfig.builder()
          .setApplicationUri("urn:pilotline:sim:server:" + first.port)
          .setApplicationName(LocalizedText.english("pilotline simulator " + label))
          .setProductUri("urn:pilotline:sim")
          .setEndpoints(endpoints)
          // None security needs no key pair; Milo still wants a manager to ask.
          .setCertificateManager(new DefaultCertificateManager(new MemoryCertificateQuarantine()))
          .setIdentityValidator(AnonymousIdentityValidator.INSTANCE)
          .build();
      server = new OpcUaServer(config,
          profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
      SimNamespace main = new SimNamespace(server, NAMESPACE_URI);
      namespaces.put(main.getNamespaceIndex().intValue(), main);
      List<Runnable> builds = new ArrayList<>();
      Set<String> taken = new HashSet<>();
      for (Placed p : placed) {
        List<NodeSpec> specs = new ArrayList<>();
        for (Tag t : p.equipment.tags()) {
          specs.add(new NodeSpec(t.nodeId(), t.name(), t.unit(), true, resolve(t.nodeId(), p)));
        }
        for (UnitNode u : p.equipment.units()) {
          specs.add(new NodeSpec(u.nodeId(), "unit/" + u.name(), null, false, resolve(u.nodeId(), p)));
        }
        List<NodeSpec> fresh = new ArrayList<>();
        for (NodeSpec n : specs) {
          if (!taken.add(n.text) || nodes.containsKey(n.text)) {
            LOG.warn("duplicate node skipped: nodeId={}, equipment={}", n.text, p.equipment.id());
          } else {
            fresh.add(n);
          }
        }
        builds.add(() -> main.addEquipment(p.station, p.equipment, fresh, namespaces));
      }
      main.onStartup(() -> builds.forEach(Runnable::run));
      // The main namespace last: its startup task adds nodes to the others.
      List<SimNamespace> order = new ArrayList<>(namespaces.values());
      java.util.Collections.reverse(order);
      order.forEach(ManagedNamespaceWithLifecycle::startup);
    }

    private NodeId resolve(String text, Placed p) {
      ExpandedNodeId x;
      try {
        x = ExpandedNodeId.parse(text);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("equipment " + p.equipment.id() + ": not a NodeId: \"" + text + "\"", e);
      }
      int index;
      if (x.getNamespaceUri() != null) {
        UShort known = server.getNamespaceTable().getIndex(x.getNamespaceUri());
        if (known == null) {
          SimNamespace ns = new SimNamespace(server, x.getNamespaceUri());
          namespaces.put(ns.getNamespaceIndex().intValue(), ns);
          known = ns.getNamespaceIndex();
        }
        index = known.intValue();
      } else {
        index = x.getNamespaceIndex().intValue();
      }
      if (!namespaces.containsKey(index)) {
        if (index < 2) {
          throw new IllegalArgumentException("equipment " + p.equipment.id() + ": cannot simulate \"" + text
              + "\": namespace " + index + " belongs to the server; use ns=2 or more, or nsu=" + NAMESPACE_URI);
        }
        while (!namespaces.containsKey(index)) {
          int next = server.getNamespaceTable().toArray().length;
          SimNamespace filler = new SimNamespace(server, NAMESPACE_URI + ":ns" + next);
          namespaces.put(filler.getNamespaceIndex().intValue(), filler);
        }
      }
      Object id = x.getIdentifier();
      if (id instanceof UInteger i) {
        return new NodeId(index, i);
      }
      if (id instanceof String s) {
        return new NodeId(index, s);
      }
      if (id instanceof UUID g) {
        return new NodeId(index, g);
      }
      return new NodeId(index, (ByteString) id);
    }
  }

  private record NodeSpec(String text, String name, String unit, boolean numeric, NodeId nodeId) {}

  /** A namespace whose variables are sampled by Milo's {@link SubscriptionModel}. */
  private final class SimNamespace extends ManagedNamespaceWithLifecycle {
    private final SubscriptionModel subscriptionModel;
    private final Map<NodeId, UaFolderNode> folders = new LinkedHashMap<>();
    // items reported on every write (reportEveryWrite): how to detach each from its node
    private final Map<DataItem, Runnable> pushed = new ConcurrentHashMap<>();

    SimNamespace(OpcUaServer server, String uri) {
      super(server, uri);
      subscriptionModel = new SubscriptionModel(server, this);
      getLifecycleManager().addLifecycle(subscriptionModel);
    }

    void onStartup(Runnable task) {
      getLifecycleManager().addStartupTask(task::run);
    }

    void addEquipment(Station station, Equipment equipment, List<NodeSpec> specs, Map<Integer, SimNamespace> all) {
      Set<NodeId> variableIds = new HashSet<>();
      specs.forEach(n -> variableIds.add(n.nodeId));
      UaFolderNode stationFolder = folder(variableIds, station.id(), station.name(), null);
      UaFolderNode equipmentFolder = folder(variableIds, station.id() + "/" + equipment.id(), equipment.id(), stationFolder);
      for (NodeSpec n : specs) {
        SimNamespace owner = all.getOrDefault(n.nodeId.getNamespaceIndex().intValue(), this);
        UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(owner.getNodeContext())
            .setNodeId(n.nodeId)
            .setAccessLevel(AccessLevel.READ_ONLY)
            .setUserAccessLevel(AccessLevel.READ_ONLY)
            .setBrowseName(owner.newQualifiedName(n.name))
            .setDisplayName(LocalizedText.english(n.name))
            .setDataType(n.numeric ? NodeIds.Double : NodeIds.String)
            .setTypeDefinition(NodeIds.BaseDataVariableType)
            .build();
        if (n.numeric) {
          node.setValue(new DataValue(Variant.NULL_VALUE, new StatusCode(StatusCodes.Bad_WaitingForInitialData), DateTime.now(), DateTime.now()));
          if (n.unit != null && !n.unit.isEmpty()) {
            node.setProperty(BaseAnalogType.ENGINEERING_UNITS,
                new EUInformation(UNECE_UNITS, -1, LocalizedText.english(n.unit), LocalizedText.english(n.unit)));
          }
        } else {
          node.setValue(new DataValue(new Variant(""), StatusCode.GOOD, DateTime.now(), DateTime.now()));
        }
        owner.getNodeManager().addNode(node);
        equipmentFolder.addOrganizes(node);
        nodes.put(n.text, node);
      }
    }

    private UaFolderNode folder(Set<NodeId> variableIds, String id, String name, UaFolderNode parent) {
      NodeId nodeId = newNodeId(id);
      if (variableIds.contains(nodeId)) {
        nodeId = newNodeId("folder:" + id);
      }
      UaFolderNode existing = folders.get(nodeId);
      if (existing != null) {
        return existing;
      }
      UaFolderNode folder = new UaFolderNode(getNodeContext(), nodeId, newQualifiedName(name), LocalizedText.english(name));
      getNodeManager().addNode(folder);
      if (parent == null) {
        folder.addReference(new Reference(folder.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
      } else {
        parent.addOrganizes(folder);
      }
      folders.put(nodeId, folder);
      return folder;
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
      if (!reportEveryWrite) {
        subscriptionModel.onDataItemsCreated(dataItems);
        return;
      }
      List<DataItem> sampled = new ArrayList<>();
      for (DataItem item : dataItems) {
        UaNode node = getNodeManager().getNode(item.getReadValueId().getNodeId()).orElse(null);
        if (node instanceof UaVariableNode variable
            && AttributeId.Value.uid().equals(item.getReadValueId().getAttributeId())) {
          AttributeObserver observer = (n, attribute, value) -> {
            if (attribute == AttributeId.Value) {
              item.setValue((DataValue) value);
            }
          };
          variable.addAttributeObserver(observer);
          pushed.put(item, () -> variable.removeAttributeObserver(observer));
          item.setValue(variable.getValue());
        } else {
          sampled.add(item);
        }
      }
      subscriptionModel.onDataItemsCreated(sampled);
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
      subscriptionModel.onDataItemsModified(dataItems.stream().filter(i -> !pushed.containsKey(i)).toList());
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
      List<DataItem> sampled = new ArrayList<>();
      for (DataItem item : dataItems) {
        Runnable unhook = pushed.remove(item);
        if (unhook != null) {
          unhook.run();
        } else {
          sampled.add(item);
        }
      }
      subscriptionModel.onDataItemsDeleted(sampled);
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
      // an item reported on every write keeps its mode in the item itself, which checks it
      subscriptionModel.onMonitoringModeChanged(
          monitoredItems.stream().filter(i -> !(i instanceof DataItem d && pushed.containsKey(d))).toList());
    }
  }
}
