package org.pilotline.acquisition.line;

import java.util.Objects;

/**
 * How a client secures its channel to an endpoint and who it logs in as.
 *
 * @param policy an OPC UA SecurityPolicy name: None, Basic256Sha256, Aes128_Sha256_RsaOaep,
 *     Aes256_Sha256_RsaPss
 * @param mode None, Sign or SignAndEncrypt
 * @param identity the user the session is activated for
 */
public record EndpointSecurity(String policy, String mode, UserIdentity identity) {
  public static final EndpointSecurity NONE = new EndpointSecurity("None", "None");

  public EndpointSecurity {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(identity, "identity");
  }

  /** Anonymous login. */
  public EndpointSecurity(String policy, String mode) {
    this(policy, mode, UserIdentity.ANONYMOUS);
  }
}
