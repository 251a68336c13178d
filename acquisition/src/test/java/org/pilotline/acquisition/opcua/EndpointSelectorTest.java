package org.pilotline.acquisition.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.UserIdentity;
import org.pilotline.acquisition.line.Equipment;

class EndpointSelectorTest {
  private static final UserTokenPolicy ANONYMOUS = new UserTokenPolicy("anonymous", UserTokenType.Anonymous, null, null, null);
  private static final UserTokenPolicy USERNAME = new UserTokenPolicy("username", UserTokenType.UserName, null, null, null);

  private static EndpointDescription endpoint(
      SecurityPolicy policy, MessageSecurityMode mode, int level, UserTokenPolicy... tokens) {
    return new EndpointDescription("opc.tcp://plc-hostname.local:4840/pilotline/coating", null,
        ByteString.NULL_VALUE, mode, policy.getUri(), tokens, Stack.TCP_UASC_UABINARY_TRANSPORT_URI, ubyte(level));
  }

  private static Equipment coater(EndpointSecurity security) {
    return new Equipment("coater", "opc.tcp://10.0.0.17:48010/pilotline/coating", security, 200, List.of(), List.of());
  }

  @Test
  void selectsTheMatchingEndpointAndKeepsTheConfiguredHostAndPort() {
    EndpointDescription selected = EndpointSelector.select(coater(EndpointSecurity.NONE), List.of(
        endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, 100, ANONYMOUS),
        endpoint(SecurityPolicy.None, MessageSecurityMode.None, 0, ANONYMOUS)));
    assertEquals(SecurityPolicy.None.getUri(), selected.getSecurityPolicyUri());
    assertEquals("opc.tcp://10.0.0.17:48010/pilotline/coating", selected.getEndpointUrl());
  }

  @Test
  void selectsOnlyAnEndpointThatAcceptsTheConfiguredUserTokenAndPolicyAndModeExactly() {
    EndpointSecurity wanted = new EndpointSecurity("Aes256_Sha256_RsaPss", "SignAndEncrypt",
        new UserIdentity.UserName("op", null, "PW"));
    EndpointDescription selected = EndpointSelector.select(coater(wanted), List.of(
        endpoint(SecurityPolicy.Aes256_Sha256_RsaPss, MessageSecurityMode.SignAndEncrypt, 90, ANONYMOUS),
        endpoint(SecurityPolicy.Aes256_Sha256_RsaPss, MessageSecurityMode.Sign, 80, USERNAME),
        endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, 70, USERNAME),
        endpoint(SecurityPolicy.Aes256_Sha256_RsaPss, MessageSecurityMode.SignAndEncrypt, 10, USERNAME)));
    assertEquals(ubyte(10), selected.getSecurityLevel());
  }

  @Test
  void prefersTheHighestSecurityLevelAmongMatches() {
    EndpointDescription selected = EndpointSelector.select(
        coater(new EndpointSecurity("Basic256Sha256", "SignAndEncrypt")), List.of(
            endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, 5, ANONYMOUS),
            endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, 50, ANONYMOUS)));
    assertEquals(ubyte(50), selected.getSecurityLevel());
  }

  @Test
  void noMatchNamesEquipmentUrlAndWhatTheServerOffers() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> EndpointSelector.select(
        coater(EndpointSecurity.NONE), List.of(
            endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, 100, ANONYMOUS, USERNAME),
            endpoint(SecurityPolicy.None, MessageSecurityMode.None, 0, USERNAME))));
    assertEquals("equipment coater at opc.tcp://10.0.0.17:48010/pilotline/coating: no endpoint offers"
        + " None/None with Anonymous login; the server offers"
        + " [Basic256Sha256/SignAndEncrypt (Anonymous, UserName), None/None (UserName)]", e.getMessage());
  }

  @Test
  void unknownPolicyNameIsReported() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> EndpointSelector.select(
        coater(new EndpointSecurity("Basic512", "Sign")), List.of()));
    assertTrue(e.getMessage().startsWith(
        "equipment coater at opc.tcp://10.0.0.17:48010/pilotline/coating: unknown security policy \"Basic512\""), e.getMessage());
  }
}
