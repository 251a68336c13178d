package org.pilotline.acquisition.opcua;

import java.util.Objects;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaRuntimeException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * The NodeId text forms a line configuration may use (OPC UA Part 6, 5.3.1.10), and their
 * resolution against one server's namespace table.
 *
 * <p>Accepted: {@code nsu=<uri>;<t>=<id>}, {@code ns=<index>;<t>=<id>} and {@code <t>=<id>}
 * (namespace 0), where {@code <t>} is {@code i} (UInt32), {@code s} (string), {@code g} (GUID) or
 * {@code b} (base64 ByteString). Server references ({@code svr=}, {@code svu=}) are rejected: a tag
 * must live on the equipment's own server.
 */
public final class NodeIdsText {
  private NodeIdsText() {}

  /** The outcome of resolving one NodeId text on a connected server. */
  public sealed interface Resolution permits Resolved, Unresolved {}

  /** The text names this node on the server. */
  public record Resolved(NodeId nodeId) implements Resolution {
    public Resolved {
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }

  /**
   * The text cannot name a node on the server.
   *
   * @param statusCode the OPC UA StatusCode that says why (Bad_NodeIdInvalid, Bad_NodeIdUnknown)
   * @param reason a short human explanation
   */
  public record Unresolved(long statusCode, String reason) implements Resolution {
    public Unresolved {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Parses a NodeId text without a server.
   *
   * @throws IllegalArgumentException {@code not a NodeId: "<text>"} when it is not one of the
   *     accepted forms
   */
  public static ExpandedNodeId parse(String text) {
    return tryParse(text).orElseThrow(() -> new IllegalArgumentException(notANodeId(text)));
  }

  /** True when {@link #parse(String)} would accept the text. */
  public static boolean isValid(String text) {
    return tryParse(text).isPresent();
  }

  /**
   * Resolves a NodeId text against a server's namespace table. A namespace URI the server does not
   * know, or a namespace index beyond its table, resolves to Bad_NodeIdUnknown: no node of that
   * server can have this id.
   */
  public static Resolution resolve(String text, NamespaceTable namespaceTable) {
    Optional<ExpandedNodeId> parsed = tryParse(text);
    if (parsed.isEmpty()) {
      return new Unresolved(StatusCodes.Bad_NodeIdInvalid, notANodeId(text));
    }
    ExpandedNodeId expanded = parsed.get();
    Optional<NodeId> nodeId = expanded.toNodeId(namespaceTable);
    if (nodeId.isEmpty()) {
      return new Unresolved(
          StatusCodes.Bad_NodeIdUnknown,
          "namespace not on server: " + expanded.getNamespaceUri());
    }
    if (namespaceTable.get(nodeId.get().getNamespaceIndex()) == null) {
      return new Unresolved(
          StatusCodes.Bad_NodeIdUnknown,
          "namespace index not on server: " + nodeId.get().getNamespaceIndex());
    }
    return new Resolved(nodeId.get());
  }

  private static Optional<ExpandedNodeId> tryParse(String text) {
    if (text == null || text.isBlank() || !text.strip().equals(text)) {
      return Optional.empty();
    }
    ExpandedNodeId parsed;
    try {
      parsed = ExpandedNodeId.parse(text);
    } catch (UaRuntimeException | IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!parsed.isLocal() || text.startsWith("svr=") || text.startsWith("svu=")) {
      return Optional.empty();
    }
    if (parsed.isAbsolute() && parsed.getNamespaceUri().isEmpty()) {
      return Optional.empty();
    }
    // An empty string or ByteString identifier is a null NodeId, which never names a variable.
    Object identifier = parsed.getIdentifier();
    if (identifier instanceof String s && s.isEmpty()
        || identifier instanceof ByteString b && (b.isNull() || b.length() == 0)) {
      return Optional.empty();
    }
    return Optional.of(parsed);
  }

  private static String notANodeId(String text) {
    return "not a NodeId: \"" + text + "\"";
  }
}
