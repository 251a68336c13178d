package org.pilotline.hmi.opcua;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.identity.AbstractUsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.DefaultUsernameIdentity;
import org.eclipse.milo.opcua.sdk.server.identity.Identity;
import org.pilotline.hmi.auth.PasswordHash;
import org.pilotline.hmi.auth.User;
import org.pilotline.hmi.auth.UserStore;
import org.pilotline.hmi.auth.UserStore.AuthResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks user-name tokens against the {@link UserStore}. The {@link User} (with its roles, as they
 * were at login) rides on the session's identity as its user data, where method handlers read it.
 *
 * <p>Milo calls this on one of its own threads while activating a session; the store is asked on
 * the {@code workers} pool and waited for at most {@link #LOGIN_TIMEOUT_MS}, so a stalled database
 * refuses logins instead of piling up Milo's threads.
 */
final class UserStoreIdentityValidator extends AbstractUsernameIdentityValidator {
  private static final Logger LOG = LoggerFactory.getLogger(UserStoreIdentityValidator.class);
  /**
   * A login costs about 0.6 s of CPU (PBKDF2, 600 000 iterations) plus a query; on a busy 2-core
   * machine that took 5 to 10 s of wall time, hence the margin.
   */
  static final long LOGIN_TIMEOUT_MS = 20_000;

  private final UserStore users;
  private final ExecutorService workers;

  UserStoreIdentityValidator(UserStore users, ExecutorService workers) {
    this.users = Objects.requireNonNull(users, "users");
    this.workers = Objects.requireNonNull(workers, "workers");
  }

  @Override
  protected Identity.UsernameIdentity authenticateUsernamePassword(Session session, String username, String password) {
    char[] secret = password.toCharArray();
    String client = session.getClientAddress() == null ? "?" : session.getClientAddress().getHostAddress();
    try {
      Future<AuthResult> pending = workers.submit(() -> users.authenticate(username, secret));
      AuthResult result = pending.get(LOGIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (result instanceof AuthResult.Authenticated a) {
        DefaultUsernameIdentity identity = new DefaultUsernameIdentity(a.user().name());
        identity.setUserData(a.user());
        LOG.info("login: user={}, roles={}, client={}", a.user().name(), a.user().roles(), client);
        return identity;
      }
      AuthResult.Refused r = (AuthResult.Refused) result;
      LOG.warn("login refused: user={}, reason={}, client={}", username, r.reason(), client);
      return null;
    } catch (TimeoutException e) {
      LOG.warn("login refused: user={}, reason=user store did not answer within {} ms, client={}",
          username, LOGIN_TIMEOUT_MS, client);
      return null;
    } catch (ExecutionException e) {
      LOG.warn("login refused: user={}, reason=user store failed: {}, client={}",
          username, e.getCause().getMessage(), client);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      PasswordHash.wipe(secret);
    }
  }

  /** The user logged in on {@code session}, if it logged in by name. */
  static Optional<User> user(Session session) {
    Identity identity = session.getIdentity();
    return identity != null && identity.getUserData() instanceof User u ? Optional.of(u) : Optional.empty();
  }
}
