package org.pilotline.acquisition.line;

import java.util.Objects;

/**
 * How a client secures its channel to an endpoint.
 *
 * @param policy an OPC UA SecurityPolicy name: None, Basic256Sha256, Aes128_Sha256_RsaOaep,
 *     Aes256_Sha256_RsaPss
 * @param mode None, Sign or SignAndEncrypt
 */
public record EndpointSecurity(String policy, String mode) {
  public static final EndpointSecurity NONE = new EndpointSecurity("None", "None");

  public EndpointSecurity {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(mode, "mode");
  }
}
