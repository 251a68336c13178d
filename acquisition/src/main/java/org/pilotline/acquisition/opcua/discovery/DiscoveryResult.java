package org.pilotline.acquisition.opcua.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one discovery run found, and how far it got.
 *
 * @param endpointUrl the endpoint browsed, as given
 * @param security the channel's security, {@code None/None} for now
 * @param startNode the start node in text form
 * @param startedAt when browsing began
 * @param elapsed connect, browse and reads together
 * @param nodesVisited Objects and Variables found (properties not counted); the node limit applies
 *     to this number
 * @param maxNodes the node limit in force
 * @param maxDepth the depth limit in force (the start node's children are depth 1)
 * @param nodeLimitReached true when browsing stopped at the node limit: the draft is incomplete
 * @param depthLimitReached true when some node at the depth limit had children left unbrowsed
 * @param browseNextCalls BrowseNext requests made for continuation points (a server that pages
 *     its answers needs them; 0 when every answer came whole)
 * @param variables every Variable found, in browse order
 * @param warnings problems that did not stop the run (a node that could not be browsed, a
 *     property that could not be decoded), each naming the node
 */
public record DiscoveryResult(
    String endpointUrl,
    String security,
    String startNode,
    Instant startedAt,
    Duration elapsed,
    int nodesVisited,
    int maxNodes,
    int maxDepth,
    boolean nodeLimitReached,
    boolean depthLimitReached,
    int browseNextCalls,
    List<DiscoveredVariable> variables,
    List<String> warnings) {
  public DiscoveryResult {
    Objects.requireNonNull(endpointUrl, "endpointUrl");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(startNode, "startNode");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(elapsed, "elapsed");
    variables = List.copyOf(variables);
    warnings = List.copyOf(warnings);
  }

  /** The limits that cut browsing short, in words; empty when the whole space was browsed. */
  public List<String> limitsHit() {
    java.util.ArrayList<String> hit = new java.util.ArrayList<>();
    if (nodeLimitReached) {
      hit.add("node limit " + maxNodes + " reached: the address space was not browsed completely");
    }
    if (depthLimitReached) {
      hit.add("depth limit " + maxDepth + " reached: nodes below depth " + maxDepth + " were not browsed");
    }
    return hit;
  }
}
