package org.pilotline.acquisition.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeIdsTextTest {
  /** A server whose simulator namespace sits at index 3, not the usual 2. */
  private static NamespaceTable serverTable() {
    NamespaceTable table = new NamespaceTable();
    table.add("urn:some:server");
    table.add("urn:vendor:other");
    table.add("urn:pilotline:sim");
    return table;
  }

  private static NodeId resolved(String text) {
    NodeIdsText.Resolution resolution = NodeIdsText.resolve(text, serverTable());
    return assertInstanceOf(NodeIdsText.Resolved.class, resolution, text).nodeId();
  }

  private static NodeIdsText.Unresolved unresolved(String text) {
    return assertInstanceOf(NodeIdsText.Unresolved.class, NodeIdsText.resolve(text, serverTable()), text);
  }

  @Nested
  class Accepted {
    @Test
    void namespaceUriFormResolvesToTheServersIndex() {
      assertEquals(new NodeId(3, "coating/coater/webSpeed"),
          resolved("nsu=urn:pilotline:sim;s=coating/coater/webSpeed"));
    }

    @Test
    void namespaceIndexStringForm() {
      assertEquals(new NodeId(2, "Coater/WebSpeed"), resolved("ns=2;s=Coater/WebSpeed"));
    }

    @Test
    void stringIdentifiersMayContainSemicolonsAndEquals() {
      assertEquals(new NodeId(3, "a;b=c"), resolved("ns=3;s=a;b=c"));
    }

    @Test
    void numericForm() {
      assertEquals(new NodeId(2, uint(1042)), resolved("ns=2;i=1042"));
      assertEquals(new NodeId(3, uint(7)), resolved("nsu=urn:pilotline:sim;i=7"));
    }

    @Test
    void namespaceZeroNeedsNoPrefix() {
      // Server_ServerStatus_CurrentTime
      assertEquals(new NodeId(0, uint(2258)), resolved("i=2258"));
    }

    @Test
    void guidForm() {
      UUID uuid = UUID.fromString("09087e75-8e5e-499b-954f-f2a9603db28a");
      assertEquals(new NodeId(2, uuid), resolved("ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a"));
    }

    @Test
    void opaqueForm() {
      assertEquals(new NodeId(2, ByteString.of(new byte[] {1, 2, 3})), resolved("ns=2;b=AQID"));
    }
  }

  @Nested
  class Rejected {
    @ParameterizedTest
    @ValueSource(strings = {
        "ns=2;x=7", "ns=2", "ns=2;", "s", "", " ", "ns=two;s=a", "ns=-1;s=a", "ns=70000;s=a",
        "ns=2;i=abc", "ns=2;i=4294967296", "ns=2;g=not-a-guid", "ns=2;b=***", "ns=2;s=",
        "nsu=;s=a", "svr=1;ns=2;s=a", "svu=urn:other;ns=2;s=a", " ns=2;s=a", "ns=2;s=a "})
    void malformedTextIsNotANodeId(String text) {
      assertFalse(NodeIdsText.isValid(text));
      NodeIdsText.Unresolved u = unresolved(text);
      assertEquals(StatusCodes.Bad_NodeIdInvalid, u.statusCode());
      assertEquals("not a NodeId: \"" + text + "\"", u.reason());
    }

    @Test
    void parseNamesTheRejectedTextLikeTheConfigLoaderWill() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeIdsText.parse("ns=2;x=7"));
      assertEquals("not a NodeId: \"ns=2;x=7\"", e.getMessage());
    }

    @Test
    void namespaceUriTheServerDoesNotKnowIsUnknownNode() {
      NodeIdsText.Unresolved u = unresolved("nsu=urn:somebody:else;s=x");
      assertEquals(StatusCodes.Bad_NodeIdUnknown, u.statusCode());
      assertEquals("namespace not on server: urn:somebody:else", u.reason());
    }

    @Test
    void namespaceIndexBeyondTheServersTableIsUnknownNode() {
      NodeIdsText.Unresolved u = unresolved("ns=9;s=x");
      assertEquals(StatusCodes.Bad_NodeIdUnknown, u.statusCode());
    }
  }
}
