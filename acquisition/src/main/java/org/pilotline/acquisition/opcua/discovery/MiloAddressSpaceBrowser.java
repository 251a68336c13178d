package org.pilotline.acquisition.opcua.discovery;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseNextResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.types.structured.ViewDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransport;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfig;
import org.pilotline.acquisition.opcua.NodeIdsText;

/**
 * Browses an OPC UA server's address space with Milo's Browse and BrowseNext services, breadth
 * first from the start node along hierarchical references (Organizes, HasComponent, HasProperty
 * and their subtypes), then reads each Variable's DataType, ValueRank and AccessLevel and the
 * value of its EngineeringUnits property.
 *
 * <p>Blocking: this is for a command-line run. Every service call is bounded by
 * {@link DiscoveryOptions#callTimeout()}; a failure names the endpoint and the node. Nodes of the
 * OPC UA namespace (the Server object) are not descended into unless asked, and a node reached
 * twice is browsed once. Properties (HasProperty targets) are metadata, not variables, and do not
 * count towards the node limit.
 */
public final class MiloAddressSpaceBrowser {
  private static final String APPLICATION_URI = "urn:pilotline:discover";
  /** Nodes per Browse request and attributes per Read request: small enough for any server's limits. */
  private static final int BROWSE_BATCH = 50;
  private static final int READ_BATCH = 300;
  private static final int SUPERTYPE_STEPS = 16;

  private final DiscoveryOptions options;
  private final DiscoveryProgress progress;
  private OpcUaClient client;
  private NamespaceTable namespaces;

  private final List<String> warnings = new ArrayList<>();
  private final Map<NodeId, TypeInfo> dataTypes = new HashMap<>();
  private int visited;
  private boolean nodeLimitReached;
  private boolean depthLimitReached;
  private int browseNextCalls;

  private MiloAddressSpaceBrowser(DiscoveryOptions options, DiscoveryProgress progress) {
    this.options = options;
    this.progress = progress;
  }

  /**
   * Connects, browses, reads, disconnects.
   *
   * @throws DiscoveryException naming the endpoint (and node) when the server cannot be reached,
   *     the start node is not on it, or a call fails or times out where going on makes no sense
   */
  public static DiscoveryResult discover(DiscoveryOptions options, DiscoveryProgress progress) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    return new MiloAddressSpaceBrowser(options, progress).run();
  }

  /** A discovery run that could not go on; the message names the endpoint and the node. */
  public static final class DiscoveryException extends RuntimeException {
    public DiscoveryException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private DiscoveryResult run() {
    Instant startedAt = Instant.now();
    long t0 = System.nanoTime();
    String url = options.endpointUrl();
    try {
      progress.phase("connecting to " + url + " (security " + describe() + ")");
      connect();
      NodeId start = startNode();
      progress.phase("browsing from " + text(start) + " (node limit " + options.maxNodes() + ", depth limit "
          + options.maxDepth() + ")");
      progress.browsingStarted();
      List<Found> found = browse(start);
      progress.browsed(visited, found.size(), true);
      progress.phase("reading data types and engineering units of " + found.size() + " variables");
      List<DiscoveredVariable> variables = describe(found);
      return new DiscoveryResult(url, describe(), text(start), startedAt, Duration.ofNanos(System.nanoTime() - t0),
          visited, options.maxNodes(), options.maxDepth(), nodeLimitReached, depthLimitReached, browseNextCalls, variables, warnings);
    } finally {
      disconnect();
    }
  }

  private String describe() {
    return options.security().policy() + "/" + options.security().mode();
  }

  // ------------------------------------------------------------------ connection

  private void connect() {
    String url = options.endpointUrl();
    List<EndpointDescription> offered = await(DiscoveryClient.getEndpoints(url), "get endpoints", null);
    EndpointDescription endpoint = selectEndpoint(offered);
    OpcUaClientConfig config = OpcUaClientConfig.builder()
        .setEndpoint(endpoint)
        .setApplicationName(LocalizedText.english("pilotline discover"))
        .setApplicationUri(APPLICATION_URI)
        .setProductUri(APPLICATION_URI)
        .setSessionName(() -> "pilotline:discover")
        .setRequestTimeout(uint(options.callTimeout().toMillis()))
        .build();
    client = new OpcUaClient(config, new OpcTcpClientTransport(OpcTcpClientTransportConfig.newBuilder().build()));
    await(client.connectAsync(), "connect", null);
    namespaces = await(client.readNamespaceTableAsync(), "read the namespace table", null);
  }

  /**
   * The endpoint with the configured security that accepts anonymous users, preferring the one
   * whose URL path is the one asked for (a server may list every path it hosts), with the host and
   * port replaced by the asked ones (servers often advertise a name the client cannot resolve).
   * Certificates and user identities plug in here with the security issue.
   */
  private EndpointDescription selectEndpoint(List<EndpointDescription> offered) {
    String url = options.endpointUrl();
    if (!options.security().policy().equals("None")) {
      throw new DiscoveryException("endpoint " + url + ": discovery supports security None only for now, asked for "
          + describe(), null);
    }
    String wantedPath = EndpointUtil.getPath(url);
    EndpointDescription chosen = null;
    for (EndpointDescription e : offered) {
      boolean none = SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri())
          && e.getSecurityMode() == MessageSecurityMode.None;
      boolean tcp = e.getTransportProfileUri() == null || e.getTransportProfileUri().isEmpty()
          || Stack.TCP_UASC_UABINARY_TRANSPORT_URI.equals(e.getTransportProfileUri());
      boolean anonymous = e.getUserIdentityTokens() != null && java.util.Arrays.stream(e.getUserIdentityTokens())
          .map(UserTokenPolicy::getTokenType).anyMatch(t -> t == UserTokenType.Anonymous);
      if (none && tcp && anonymous) {
        if (chosen == null || EndpointUtil.getPath(e.getEndpointUrl()).equals(wantedPath)
            && !EndpointUtil.getPath(chosen.getEndpointUrl()).equals(wantedPath)) {
          chosen = e;
        }
      }
    }
    if (chosen == null) {
      throw new DiscoveryException("endpoint " + url + ": no endpoint offers None/None with anonymous login; "
          + "the server offers " + offered.size() + " endpoints, none usable without security", null);
    }
    return EndpointUtil.updateUrl(chosen, EndpointUtil.getHost(url), EndpointUtil.getPort(url));
  }

  private void disconnect() {
    if (client != null) {
      try {
        client.disconnectAsync().get(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // The draft is what matters; a slow goodbye is not worth failing the run.
        warnings.add("disconnect from " + options.endpointUrl() + " did not complete: " + e);
      }
    }
  }

  private NodeId startNode() {
    if (options.startNode() == null) {
      return NodeIds.ObjectsFolder;
    }
    NodeIdsText.Resolution r = NodeIdsText.resolve(options.startNode(), namespaces);
    if (r instanceof NodeIdsText.Resolved resolved) {
      return resolved.nodeId();
    }
    throw new DiscoveryException("endpoint " + options.endpointUrl() + ": start node \"" + options.startNode()
        + "\": " + ((NodeIdsText.Unresolved) r).reason(), null);
  }

  // ------------------------------------------------------------------ browse

  /** A node waiting to be browsed. {@code propertiesOnly}: a variable at the depth limit. */
  private record Pending(NodeId nodeId, int depth, List<PathElement> path, Found variable, boolean propertiesOnly) {}

  /** A Variable found; its EngineeringUnits property is filled in when the variable is browsed. */
  private static final class Found {
    final NodeId nodeId;
    final List<PathElement> path;
    final String browseName;
    NodeId engineeringUnits;

    Found(NodeId nodeId, List<PathElement> path, String browseName) {
      this.nodeId = nodeId;
      this.path = path;
      this.browseName = browseName;
    }
  }

  private List<Found> browse(NodeId start) {
    List<Found> found = new ArrayList<>();
    Set<NodeId> seen = new HashSet<>();
    seen.add(start);
    Deque<Pending> queue = new ArrayDeque<>();
    queue.add(new Pending(start, 0, List.of(), null, false));
    while (!queue.isEmpty()) {
      List<Pending> batch = new ArrayList<>();
      while (!queue.isEmpty() && batch.size() < BROWSE_BATCH) {
        Pending p = queue.poll();
        // Past the node limit only the variables already found are still browsed, for their units.
        if (!nodeLimitReached || p.propertiesOnly || p.variable != null) {
          batch.add(p);
        }
      }
      if (batch.isEmpty()) {
        continue;
      }
      List<List<ReferenceDescription>> results = browseBatch(batch);
      for (int i = 0; i < batch.size(); i++) {
        Pending parent = batch.get(i);
        for (ReferenceDescription ref : results.get(i)) {
          handle(parent, ref, seen, queue, found);
        }
      }
      progress.browsed(visited, found.size(), false);
    }
    return found;
  }

  private void handle(Pending parent, ReferenceDescription ref, Set<NodeId> seen, Deque<Pending> queue,
      List<Found> found) {
    if (!ref.getIsForward() || ref.getNodeId() == null || !ref.getNodeId().isLocal()) {
      return;
    }
    NodeId target = ref.getNodeId().toNodeId(namespaces).orElse(null);
    if (target == null) {
      return;
    }
    String name = name(ref.getBrowseName());
    boolean property = NodeIds.HasProperty.equals(ref.getReferenceTypeId());
    if (property) {
      if (parent.variable != null && "EngineeringUnits".equals(name)) {
        parent.variable.engineeringUnits = target;
      }
      return;
    }
    if (parent.propertiesOnly || (nodeLimitReached && parent.variable == null)) {
      return;
    }
    if (target.getNamespaceIndex().intValue() == 0 && !options.includeNamespaceZero()) {
      return;
    }
    NodeClass nodeClass = ref.getNodeClass();
    if (nodeClass != NodeClass.Object && nodeClass != NodeClass.Variable) {
      return;
    }
    if (!seen.add(target)) {
      return;
    }
    if (visited >= options.maxNodes()) {
      nodeLimitReached = true;
      return;
    }
    visited++;
    int depth = parent.depth + 1;
    if (nodeClass == NodeClass.Variable) {
      Found v = new Found(target, parent.path, name);
      found.add(v);
      List<PathElement> below = append(parent.path, new PathElement(name, text(ref.getDisplayName())));
      // A variable is always browsed once, for its properties; deeper only within the depth limit.
      queue.add(new Pending(target, depth, below, v, depth >= options.maxDepth()));
    } else if (depth < options.maxDepth()) {
      queue.add(new Pending(target, depth, append(parent.path, new PathElement(name, text(ref.getDisplayName()))),
          null, false));
    } else {
      // An Object at the limit may have children: the result says so, rather than guessing.
      depthLimitReached = true;
    }
  }

  private List<List<ReferenceDescription>> browseBatch(List<Pending> batch) {
    List<BrowseDescription> descriptions = new ArrayList<>();
    for (Pending p : batch) {
      descriptions.add(new BrowseDescription(
          p.nodeId,
          BrowseDirection.Forward,
          p.propertiesOnly ? NodeIds.HasProperty : NodeIds.HierarchicalReferences,
          true,
          uint(NodeClass.Object.getValue() | NodeClass.Variable.getValue()),
          uint(BrowseResultMask.All.getValue())));
    }
    ViewDescription wholeSpace = new ViewDescription(NodeId.NULL_VALUE, DateTime.MIN_VALUE, uint(0));
    BrowseResponse response = await(client.browseAsync(wholeSpace, uint(options.maxReferencesPerNode()),
        descriptions), "browse", batch.get(0).nodeId);
    List<BrowseResult> results = response.getResults() == null ? List.of() : List.of(response.getResults());
    if (results.size() != batch.size()) {
      throw new DiscoveryException("endpoint " + options.endpointUrl() + ": browse of " + batch.size()
          + " nodes from " + text(batch.get(0).nodeId) + " returned " + results.size() + " results", null);
    }
    List<List<ReferenceDescription>> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      NodeId node = batch.get(i).nodeId;
      BrowseResult r = results.get(i);
      List<ReferenceDescription> refs = new ArrayList<>();
      if (r.getStatusCode() != null && r.getStatusCode().isBad()) {
        warnings.add("browse of " + text(node) + " failed: " + r.getStatusCode());
        out.add(refs);
        continue;
      }
      addAll(refs, r.getReferences());
      ByteString cp = r.getContinuationPoint();
      while (cp != null && cp.isNotNull() && cp.length() > 0) {
        browseNextCalls++;
        BrowseNextResponse next = await(client.browseNextAsync(false, List.of(cp)), "browse next", node);
        BrowseResult nr = next.getResults() == null || next.getResults().length == 0 ? null : next.getResults()[0];
        if (nr == null || nr.getStatusCode() != null && nr.getStatusCode().isBad()) {
          warnings.add("browse next of " + text(node) + " failed: "
              + (nr == null ? "no result" : nr.getStatusCode()) + "; its references are incomplete");
          break;
        }
        addAll(refs, nr.getReferences());
        cp = nr.getContinuationPoint();
      }
      out.add(refs);
    }
    return out;
  }

  private static void addAll(List<ReferenceDescription> to, ReferenceDescription[] refs) {
    if (refs != null) {
      to.addAll(List.of(refs));
    }
  }

  // ------------------------------------------------------------------ attributes

  private List<DiscoveredVariable> describe(List<Found> found) {
    List<ReadValueId> reads = new ArrayList<>();
    for (Found f : found) {
      reads.add(new ReadValueId(f.nodeId, AttributeId.DataType.uid(), null, QualifiedName.NULL_VALUE));
      reads.add(new ReadValueId(f.nodeId, AttributeId.ValueRank.uid(), null, QualifiedName.NULL_VALUE));
      reads.add(new ReadValueId(f.nodeId, AttributeId.AccessLevel.uid(), null, QualifiedName.NULL_VALUE));
    }
    List<DataValue> attributes = read(reads);
    Map<NodeId, String> units = engineeringUnits(found);
    List<DiscoveredVariable> out = new ArrayList<>();
    for (int i = 0; i < found.size(); i++) {
      Found f = found.get(i);
      Object dataType = value(attributes.get(3 * i));
      Object valueRank = value(attributes.get(3 * i + 1));
      Object accessLevel = value(attributes.get(3 * i + 2));
      TypeInfo type = dataType instanceof NodeId t ? dataType(t) : new TypeInfo("unknown",
          DiscoveredVariable.ValueClass.OTHER);
      boolean scalar = !(valueRank instanceof Integer rank) || rank < 0;
      boolean readable = !(accessLevel instanceof UByte level) || (level.intValue() & 0x01) != 0;
      out.add(new DiscoveredVariable(f.path, f.browseName, text(f.nodeId), type.name, type.valueClass, scalar,
          readable, units.get(f.nodeId)));
    }
    return out;
  }

  private Map<NodeId, String> engineeringUnits(List<Found> found) {
    List<Found> with = found.stream().filter(f -> f.engineeringUnits != null).toList();
    List<ReadValueId> reads = with.stream()
        .map(f -> new ReadValueId(f.engineeringUnits, AttributeId.Value.uid(), null, QualifiedName.NULL_VALUE))
        .toList();
    List<DataValue> values = read(reads);
    Map<NodeId, String> units = new LinkedHashMap<>();
    for (int i = 0; i < with.size(); i++) {
      Object v = value(values.get(i));
      if (v instanceof ExtensionObject xo) {
        try {
          Object decoded = xo.decode(client.getStaticEncodingContext());
          if (decoded instanceof EUInformation eu) {
            String text = eu.getDisplayName() == null ? null : eu.getDisplayName().text();
            units.put(with.get(i).nodeId, text == null ? "" : text);
            continue;
          }
        } catch (RuntimeException e) {
          warnings.add("EngineeringUnits of " + text(with.get(i).nodeId) + " cannot be decoded: " + e.getMessage());
          continue;
        }
      }
      warnings.add("EngineeringUnits of " + text(with.get(i).nodeId) + " is not an EUInformation: "
          + (v == null ? values.get(i).getStatusCode() : v.getClass().getSimpleName()));
    }
    return units;
  }

  private List<DataValue> read(List<ReadValueId> reads) {
    List<DataValue> out = new ArrayList<>();
    for (int from = 0; from < reads.size(); from += READ_BATCH) {
      List<ReadValueId> chunk = reads.subList(from, Math.min(reads.size(), from + READ_BATCH));
      DataValue[] values = await(client.readAsync(0, TimestampsToReturn.Neither, chunk), "read", chunk.get(0).getNodeId())
          .getResults();
      if (values == null || values.length != chunk.size()) {
        throw new DiscoveryException("endpoint " + options.endpointUrl() + ": read of " + chunk.size()
            + " attributes from " + text(chunk.get(0).getNodeId()) + " returned "
            + (values == null ? 0 : values.length) + " results", null);
      }
      out.addAll(List.of(values));
    }
    return out;
  }

  private static Object value(DataValue dv) {
    StatusCode s = dv.getStatusCode();
    if (s != null && s.isBad()) {
      return null;
    }
    return dv.getValue() == null ? null : dv.getValue().getValue();
  }

  // ------------------------------------------------------------------ data types

  private record TypeInfo(String name, DiscoveredVariable.ValueClass valueClass) {}

  /**
   * The data type's name and class: a built-in type directly; any other (Duration, an enumeration,
   * a vendor's subtype of Double) by walking HasSubtype up to a built-in type. Cached per type.
   */
  private TypeInfo dataType(NodeId type) {
    TypeInfo known = dataTypes.get(type);
    if (known != null) {
      return known;
    }
    String name = builtinName(type);
    if (name == null) {
      DataValue bn = read(List.of(new ReadValueId(type, AttributeId.BrowseName.uid(), null,
          QualifiedName.NULL_VALUE))).get(0);
      name = value(bn) instanceof QualifiedName q && q.name() != null ? q.name() : text(type);
    }
    DiscoveredVariable.ValueClass valueClass = DiscoveredVariable.ValueClass.OTHER;
    NodeId current = type;
    for (int step = 0; step < SUPERTYPE_STEPS && current != null; step++) {
      DiscoveredVariable.ValueClass c = builtinClass(current);
      if (c != null) {
        valueClass = c;
        break;
      }
      current = supertype(current);
    }
    TypeInfo info = new TypeInfo(name, valueClass);
    dataTypes.put(type, info);
    return info;
  }

  private NodeId supertype(NodeId type) {
    BrowseDescription d = new BrowseDescription(type, BrowseDirection.Inverse, NodeIds.HasSubtype, false,
        uint(0), uint(BrowseResultMask.All.getValue()));
    BrowseResult r = await(client.browseAsync(d), "browse supertype", type);
    if (r.getReferences() == null || r.getReferences().length == 0) {
      return null;
    }
    return r.getReferences()[0].getNodeId().toNodeId(namespaces).orElse(null);
  }

  private static final String[] BUILTIN = {
    null, "Boolean", "SByte", "Byte", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64", "Float", "Double",
    "String", "DateTime", "Guid", "ByteString", "XmlElement", "NodeId", "ExpandedNodeId", "StatusCode",
    "QualifiedName", "LocalizedText", "Structure", "DataValue", "BaseDataType", "DiagnosticInfo", "Number",
    "Integer", "UInteger", "Enumeration"
  };

  private static String builtinName(NodeId type) {
    if (type.getNamespaceIndex().intValue() != 0 || !(type.getIdentifier() instanceof UInteger id)) {
      return null;
    }
    long n = id.longValue();
    if (n > 0 && n < BUILTIN.length) {
      return BUILTIN[(int) n];
    }
    return n == 50 ? "Decimal" : null;
  }

  /** The value class a type decides by itself, or null when its supertype must tell. */
  private static DiscoveredVariable.ValueClass builtinClass(NodeId type) {
    if (type.getNamespaceIndex().intValue() != 0 || !(type.getIdentifier() instanceof UInteger id)) {
      return null;
    }
    long n = id.longValue();
    if (n >= 2 && n <= 11 || n >= 26 && n <= 29 || n == 50) {
      return DiscoveredVariable.ValueClass.NUMERIC;
    }
    if (n == 12) {
      return DiscoveredVariable.ValueClass.TEXT;
    }
    if (n >= 1 && n <= 25) {
      return DiscoveredVariable.ValueClass.OTHER;
    }
    return null;
  }

  // ------------------------------------------------------------------ helpers

  /** The NodeId as {@code nsu=<uri>;...} (namespace 0 without prefix), so the draft survives index changes. */
  private String text(NodeId nodeId) {
    if (nodeId.getNamespaceIndex().intValue() == 0 || namespaces == null
        || namespaces.get(nodeId.getNamespaceIndex()) == null) {
      return nodeId.toParseableString();
    }
    return nodeId.expanded(namespaces).toParseableString();
  }

  private static String name(QualifiedName q) {
    return q == null || q.name() == null ? "" : q.name();
  }

  private static String text(LocalizedText t) {
    return t == null ? null : t.text();
  }

  private static List<PathElement> append(List<PathElement> path, PathElement e) {
    List<PathElement> out = new ArrayList<>(path);
    out.add(e);
    return List.copyOf(out);
  }

  private <T> T await(CompletableFuture<T> future, String what, NodeId node) {
    String where = "endpoint " + options.endpointUrl() + (node == null ? "" : ", node " + text(node));
    try {
      return future.get(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new DiscoveryException(where + ": " + what + " timed out after " + options.callTimeout().toMillis()
          + " ms", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new DiscoveryException(where + ": " + what + " failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DiscoveryException(where + ": " + what + " interrupted", e);
    }
  }
}
