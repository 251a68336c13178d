package org.pilotline.hmi.auth;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A person or system that logs in to the HMI or the result server. The password hash is not part
 * of it: it never leaves the store.
 *
 * @param name the login name
 * @param roles at least one
 * @param disabled a disabled user cannot log in
 * @param createdAt when the user was added
 */
public record User(String name, Set<Role> roles, boolean disabled, Instant createdAt) {
  /** Login names: letters, digits and {@code . _ @ -}, 1 to 64 characters. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  public User {
    requireName(name);
    Objects.requireNonNull(createdAt, "createdAt");
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("user " + name + ": at least one role is required");
    }
    roles = Set.copyOf(EnumSet.copyOf(roles));
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /**
   * Returns {@code name} when it is a valid login name.
   *
   * @throws IllegalArgumentException saying what is allowed
   */
  public static String requireName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a user name (1-64 of letters, digits, . _ @ -): \""
          + name + "\"");
    }
    return name;
  }
}
