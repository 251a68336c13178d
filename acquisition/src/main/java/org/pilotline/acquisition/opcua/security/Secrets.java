package org.pilotline.acquisition.opcua.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.pilotline.acquisition.line.UserIdentity;

/** Reads a user's password from where the configuration says it is; never logs it. */
public final class Secrets {
  private Secrets() {}

  /**
   * The password of a user name identity: the password file's content without its trailing line
   * break, or the environment variable's value.
   *
   * @param where the start of error messages (which equipment)
   * @throws IllegalStateException naming the file or variable (never the password) when it cannot
   *     be read or is empty
   */
  public static String password(UserIdentity.UserName user, String where) {
    return password(user, where, System.getenv());
  }

  static String password(UserIdentity.UserName user, String where, Map<String, String> env) {
    String password;
    if (user.passwordFile() != null) {
      try {
        password = Files.readString(user.passwordFile(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(where + "user " + user.userName() + ": cannot read passwordFile "
            + user.passwordFile() + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
      }
      // Editors and "echo" add a line break that is not part of the password.
      password = password.replaceFirst("\\r?\\n\\z", "");
      if (password.isEmpty()) {
        throw new IllegalStateException(where + "user " + user.userName() + ": passwordFile "
            + user.passwordFile() + " is empty");
      }
    } else {
      password = env.get(user.passwordEnv());
      if (password == null || password.isEmpty()) {
        throw new IllegalStateException(where + "user " + user.userName() + ": environment variable "
            + user.passwordEnv() + " is " + (password == null ? "not set" : "empty"));
      }
    }
    return password;
  }
}
