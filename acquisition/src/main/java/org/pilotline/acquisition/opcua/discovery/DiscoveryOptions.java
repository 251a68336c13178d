package org.pilotline.acquisition.opcua.discovery;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.pilotline.acquisition.line.EndpointSecurity;

/**
 * How one discovery run connects and how far it browses.
 *
 * @param endpointUrl {@code opc.tcp://host:port[/path]}
 * @param security the channel security; only None/None is implemented, the others come with the
 *     security issue and plug in at {@link MiloAddressSpaceBrowser}'s endpoint choice
 * @param startNode the node to browse from in NodeId text form, or null for the Objects folder
 * @param maxNodes stop after this many Objects and Variables (properties not counted)
 * @param maxDepth browse at most this many levels below the start node
 * @param unitSlotPattern a String variable whose browse name (or one of its '/', '.' or ':'
 *     separated parts) contains a match becomes a candidate unit slot
 * @param callTimeout the bound on every single service call and on connecting
 * @param includeNamespaceZero whether to descend into nodes of the OPC UA namespace (the Server
 *     object's diagnostics and capabilities); off by default: they are never process tags
 * @param maxReferencesPerNode references per node in one Browse response, 0 to let the server
 *     decide; the rest come through BrowseNext (a small value tests that path)
 */
public record DiscoveryOptions(
    String endpointUrl,
    EndpointSecurity security,
    String startNode,
    int maxNodes,
    int maxDepth,
    Pattern unitSlotPattern,
    Duration callTimeout,
    boolean includeNamespaceZero,
    int maxReferencesPerNode) {

  public static final int DEFAULT_MAX_NODES = 10_000;
  public static final int DEFAULT_MAX_DEPTH = 12;
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);
  /** Browse names such as {@code CurrentCellId}, {@code lot}, {@code RollID}, {@code unit}. */
  public static final Pattern DEFAULT_UNIT_SLOT_PATTERN =
      Pattern.compile("(current)?(unit|cell|roll|lot|batch)(id)?$", Pattern.CASE_INSENSITIVE);

  public DiscoveryOptions {
    Objects.requireNonNull(endpointUrl, "endpointUrl");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(unitSlotPattern, "unitSlotPattern");
    Objects.requireNonNull(callTimeout, "callTimeout");
    if (!endpointUrl.toLowerCase(java.util.Locale.ROOT).startsWith("opc.tcp://")) {
      throw new IllegalArgumentException("not an opc.tcp endpoint URL: \"" + endpointUrl + "\"");
    }
    if (maxNodes < 1) {
      throw new IllegalArgumentException("max nodes must be at least 1: " + maxNodes);
    }
    if (maxDepth < 1) {
      throw new IllegalArgumentException("max depth must be at least 1: " + maxDepth);
    }
    if (maxReferencesPerNode < 0) {
      throw new IllegalArgumentException("max references per node must be 0 (server decides) or more: "
          + maxReferencesPerNode);
    }
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("call timeout must be positive: " + callTimeout);
    }
  }

  /** The defaults for an endpoint: None security, the Objects folder, 10,000 nodes, depth 12, 10 s. */
  public static DiscoveryOptions of(String endpointUrl) {
    return new DiscoveryOptions(endpointUrl, EndpointSecurity.NONE, null, DEFAULT_MAX_NODES,
        DEFAULT_MAX_DEPTH, DEFAULT_UNIT_SLOT_PATTERN, DEFAULT_CALL_TIMEOUT, false, 0);
  }

  public DiscoveryOptions withStartNode(String node) {
    return new DiscoveryOptions(endpointUrl, security, node, maxNodes, maxDepth, unitSlotPattern, callTimeout,
        includeNamespaceZero, maxReferencesPerNode);
  }

  public DiscoveryOptions withMaxNodes(int n) {
    return new DiscoveryOptions(endpointUrl, security, startNode, n, maxDepth, unitSlotPattern, callTimeout,
        includeNamespaceZero, maxReferencesPerNode);
  }

  public DiscoveryOptions withMaxDepth(int n) {
    return new DiscoveryOptions(endpointUrl, security, startNode, maxNodes, n, unitSlotPattern, callTimeout,
        includeNamespaceZero, maxReferencesPerNode);
  }

  public DiscoveryOptions withUnitSlotPattern(Pattern p) {
    return new DiscoveryOptions(endpointUrl, security, startNode, maxNodes, maxDepth, p, callTimeout,
        includeNamespaceZero, maxReferencesPerNode);
  }

  public DiscoveryOptions withCallTimeout(Duration t) {
    return new DiscoveryOptions(endpointUrl, security, startNode, maxNodes, maxDepth, unitSlotPattern, t,
        includeNamespaceZero, maxReferencesPerNode);
  }

  public DiscoveryOptions withNamespaceZero(boolean include) {
    return new DiscoveryOptions(endpointUrl, security, startNode, maxNodes, maxDepth, unitSlotPattern,
        callTimeout, include, maxReferencesPerNode);
  }

  public DiscoveryOptions withMaxReferencesPerNode(int n) {
    return new DiscoveryOptions(endpointUrl, security, startNode, maxNodes, maxDepth, unitSlotPattern,
        callTimeout, includeNamespaceZero, n);
  }
}
