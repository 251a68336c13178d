package org.pilotline.hmi.auth;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The users of the HMI and the result server. Blocking: call it off the event loop. Every change
 * is written to the audit log with who made it and through which channel.
 */
public interface UserStore {

  /**
   * Adds a user.
   *
   * @throws IllegalArgumentException for an invalid name, no roles, an unusable password, or a
   *     name already taken
   */
  User add(String name, char[] password, Set<Role> roles, Actor actor);

  /** Replaces a user's password; false when there is no such user. */
  boolean setPassword(String name, char[] password, Actor actor);

  /** Replaces a user's roles (at least one); false when there is no such user. */
  boolean setRoles(String name, Set<Role> roles, Actor actor);

  /** Disables (true) or enables (false) a user; false when there is no such user. */
  boolean setDisabled(String name, boolean disabled, Actor actor);

  Optional<User> find(String name);

  /** Every user, by name. */
  List<User> list();

  /** How many users can log in (not disabled). */
  long activeCount();

  /**
   * Checks a login. Takes about as long whether or not the user exists, so that timing does not
   * tell which names are taken.
   */
  AuthResult authenticate(String name, char[] password);

  /** Who made a change, for the audit log: a user or operating-system account, and the channel. */
  record Actor(String name, String channel) {
    public Actor {
      if (name == null || name.isBlank() || channel == null || channel.isBlank()) {
        throw new IllegalArgumentException("actor name and channel are required");
      }
    }
  }

  /** How a login ended. */
  sealed interface AuthResult {
    /** The password matched an enabled user. */
    record Authenticated(User user) implements AuthResult {}

    /**
     * The login is refused. The reason is for the server's log; a client is told only that it
     * was refused.
     */
    record Refused(String name, Reason reason) implements AuthResult {}

    /** Why a login was refused. */
    enum Reason { UNKNOWN_USER, WRONG_PASSWORD, DISABLED }
  }
}
