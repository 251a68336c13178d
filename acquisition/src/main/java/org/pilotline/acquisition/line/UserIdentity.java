package org.pilotline.acquisition.line;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Who the client logs in as on an endpoint. A password is never part of the configuration: it is
 * read, at each connection, from a file or an environment variable.
 */
public sealed interface UserIdentity {
  UserIdentity ANONYMOUS = new Anonymous();

  /** The OPC UA user token type this identity presents: Anonymous, UserName or Certificate. */
  String tokenType();

  /** No user. */
  record Anonymous() implements UserIdentity {
    @Override
    public String tokenType() {
      return "Anonymous";
    }
  }

  /**
   * A user name whose password is in {@code passwordFile} (its content, trailing line break
   * removed) or in the environment variable {@code passwordEnv}: exactly one of the two.
   */
  record UserName(String userName, Path passwordFile, String passwordEnv) implements UserIdentity {
    public UserName {
      Objects.requireNonNull(userName, "userName");
      if (userName.isEmpty()) {
        throw new IllegalArgumentException("userName is empty");
      }
      if ((passwordFile == null) == (passwordEnv == null)) {
        throw new IllegalArgumentException("give exactly one of passwordFile and passwordEnv");
      }
    }

    @Override
    public String tokenType() {
      return "UserName";
    }
  }

  /** An X.509 user certificate (DER or PEM) and its unencrypted PKCS#8 PEM private key. */
  record X509(Path certificateFile, Path privateKeyFile) implements UserIdentity {
    public X509 {
      Objects.requireNonNull(certificateFile, "certificateFile");
      Objects.requireNonNull(privateKeyFile, "privateKeyFile");
    }

    @Override
    public String tokenType() {
      return "Certificate";
    }
  }
}
