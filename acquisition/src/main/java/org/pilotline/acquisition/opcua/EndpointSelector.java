package org.pilotline.acquisition.opcua;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.EndpointSecurity;

/**
 * Picks, from the endpoints a server offers, the one an equipment's configuration asks for.
 *
 * <p>An endpoint matches when its SecurityPolicy and MessageSecurityMode equal the configured ones,
 * it speaks opc.tcp binary, and it accepts the kind of user token the configured identity
 * presents (Anonymous, UserName or Certificate). Among matches the highest securityLevel wins.
 * There is no fallback to another policy or mode.
 */
final class EndpointSelector {
  private EndpointSelector() {}

  /**
   * Selects the endpoint, with its URL's host and port replaced by the configured ones: servers
   * often advertise a hostname the client cannot resolve, or the address of another interface.
   *
   * @throws IllegalStateException naming the equipment, its URL and what the server offers, when
   *     no endpoint matches or the configured policy or mode is not one OPC UA defines
   */
  static EndpointDescription select(Equipment equipment, List<EndpointDescription> offered) {
    EndpointSecurity wanted = equipment.security();
    SecurityPolicy policy = policyNamed(wanted.policy()).orElseThrow(() -> new IllegalStateException(
        "equipment " + equipment.id() + " at " + equipment.endpointUrl()
            + ": unknown security policy \"" + wanted.policy() + "\"; known: "
            + Arrays.stream(SecurityPolicy.values()).map(Enum::name).collect(Collectors.joining(", "))));
    MessageSecurityMode mode = modeNamed(wanted.mode()).orElseThrow(() -> new IllegalStateException(
        "equipment " + equipment.id() + " at " + equipment.endpointUrl()
            + ": unknown security mode \"" + wanted.mode() + "\"; known: None, Sign, SignAndEncrypt"));

    UserTokenType tokenType = UserTokenType.valueOf(wanted.identity().tokenType());
    EndpointDescription chosen = offered.stream()
        .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()))
        .filter(e -> mode == e.getSecurityMode())
        .filter(e -> Stack.TCP_UASC_UABINARY_TRANSPORT_URI.equals(e.getTransportProfileUri())
            || e.getTransportProfileUri() == null
            || e.getTransportProfileUri().isEmpty())
        .filter(e -> accepts(e, tokenType))
        .max(Comparator.comparingInt(e -> e.getSecurityLevel() == null ? 0 : e.getSecurityLevel().intValue()))
        .orElseThrow(() -> new IllegalStateException(
            "equipment " + equipment.id() + " at " + equipment.endpointUrl()
                + ": no endpoint offers " + wanted.policy() + "/" + wanted.mode()
                + " with " + wanted.identity().tokenType() + " login; the server offers " + describe(offered)));

    String host = EndpointUtil.getHost(equipment.endpointUrl());
    int port = EndpointUtil.getPort(equipment.endpointUrl());
    return EndpointUtil.updateUrl(chosen, host, port);
  }

  /** The offered endpoints as {@code [None/None (Anonymous), Basic256Sha256/SignAndEncrypt (UserName)]}. */
  static String describe(List<EndpointDescription> offered) {
    return offered.stream()
        .map(e -> SecurityPolicy.fromUriSafe(e.getSecurityPolicyUri()).map(Enum::name)
                .orElse(String.valueOf(e.getSecurityPolicyUri()))
            + "/" + e.getSecurityMode()
            + " (" + tokenTypes(e) + ")")
        .distinct()
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String tokenTypes(EndpointDescription e) {
    return tokens(e).map(UserTokenPolicy::getTokenType).filter(Objects::nonNull)
        .map(Enum::name).distinct().collect(Collectors.joining(", "));
  }

  private static boolean accepts(EndpointDescription e, UserTokenType type) {
    return tokens(e).anyMatch(t -> t.getTokenType() == type);
  }

  private static Stream<UserTokenPolicy> tokens(EndpointDescription e) {
    return e.getUserIdentityTokens() == null ? Stream.empty() : Arrays.stream(e.getUserIdentityTokens());
  }

  private static Optional<SecurityPolicy> policyNamed(String name) {
    return Arrays.stream(SecurityPolicy.values()).filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
  }

  private static Optional<MessageSecurityMode> modeNamed(String name) {
    return Arrays.stream(MessageSecurityMode.values())
        .filter(m -> m != MessageSecurityMode.Invalid)
        .filter(m -> m.name().equalsIgnoreCase(name))
        .findFirst();
  }
}
