package org.pilotline.acquisition.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pilotline.acquisition.opcua.NodeIdsText;

/**
 * The loader checks NodeId syntax without Milo, so that config validation needs no OPC UA stack;
 * the client parses with Milo. If the two disagreed, a NodeId the loader accepts would fail only
 * at subscription time, or a good one would be refused at load.
 */
class NodeIdSyntaxAgreementTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "ns=2;s=Coater/WebSpeed", "nsu=urn:pilotline:sim;s=coating/coater/webSpeed", "ns=0;i=2258",
      "i=2258", "ns=3;i=4294967295", "ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a", "ns=2;b=AQID",
      "ns=65535;s=x", "ns=2;s=a;b=c", "nsu=http://vendor.example/UA/;i=7",
      "ns=2;x=7", "ns=65536;s=x", "ns=2;i=4294967296", "ns=2;g=not-a-guid", "ns=2;b=***",
      "s=", "", "ns=;s=x", "nsu=;s=x", "svr=1;ns=2;s=x", " ns=2;s=x", "ns=2;s=x ", "ns=-1;i=1"})
  void loaderAndClientAgreeOnWhatIsANodeId(String text) {
    assertEquals(NodeIdsText.isValid(text), LineLoader.nodeIdFault(text) == null,
        "loader says " + LineLoader.nodeIdFault(text) + ", client says valid=" + NodeIdsText.isValid(text));
  }
}
