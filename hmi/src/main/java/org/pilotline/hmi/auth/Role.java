package org.pilotline.hmi.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a user may do; the names are those stored in {@code app_user.roles}. */
public enum Role {
  /** Watches the line and the verdicts. */
  OPERATOR,
  /** Also acknowledges anomalies (HMI, API, result server). */
  ENGINEER,
  /** Also manages users. */
  ADMIN;

  /** The value stored in {@code app_user.roles} and typed on the command line. */
  public String sql() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role named {@code text} (case ignored).
   *
   * @throws IllegalArgumentException naming the known roles
   */
  public static Role of(String text) {
    for (Role r : values()) {
      if (r.sql().equalsIgnoreCase(text.trim())) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role \"" + text + "\"; roles are "
        + Arrays.stream(values()).map(Role::sql).collect(Collectors.joining(", ")));
  }
}
