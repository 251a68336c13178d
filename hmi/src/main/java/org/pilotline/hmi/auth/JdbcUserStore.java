package org.pilotline.hmi.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** {@link UserStore} on the {@code app_user} and {@code audit_log} tables. */
public final class JdbcUserStore implements UserStore {
  private static final String COLUMNS = "name, roles, disabled, created_at";
  private static final String INSERT = """
      insert into app_user (name, password_hash, roles) values (?, ?, ?)
      on conflict (name) do nothing""";
  private static final String BY_NAME = "select " + COLUMNS + " from app_user where name = ?";
  private static final String LOGIN = "select " + COLUMNS + ", password_hash from app_user where name = ?";
  private static final String ALL = "select " + COLUMNS + " from app_user order by name";
  private static final String ACTIVE = "select count(*) from app_user where not disabled";
  private static final String AUDIT = """
      insert into audit_log (at, actor, channel, action, subject, detail)
      values (?, ?, ?, ?, ?, ?::jsonb)""";

  private final DataSource dataSource;
  private final PasswordHash hashing;
  /** Verified against when the user does not exist, so that a miss costs as much as a hit. */
  private final String decoy;

  public JdbcUserStore(DataSource dataSource) {
    this(dataSource, PasswordHash.standard());
  }

  /** @param hashing how new passwords are hashed; stored hashes verify with their own parameters */
  public JdbcUserStore(DataSource dataSource, PasswordHash hashing) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.hashing = Objects.requireNonNull(hashing, "hashing");
    this.decoy = hashing.hash("decoy-password-never-matches".toCharArray());
  }

  @Override
  public User add(String name, char[] password, Set<Role> roles, Actor actor) {
    User.requireName(name);
    requireRoles(name, roles);
    String hash = hashing.hash(password);
    return inTransaction("add user " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        ps.setString(1, name);
        ps.setString(2, hash);
        ps.setArray(3, roleArray(c, roles));
        if (ps.executeUpdate() == 0) {
          throw new IllegalArgumentException("user " + name + " exists already; use passwd or roles to change it");
        }
      }
      audit(c, actor, "user.add", name, new JsonObject().put("roles", roleNames(roles)));
      return find(c, name).orElseThrow();
    });
  }

  @Override
  public boolean setPassword(String name, char[] password, Actor actor) {
    String hash = hashing.hash(password);
    return update(name, "update app_user set password_hash = ? where name = ?", actor, "user.passwd",
        new JsonObject(), (c, ps) -> ps.setString(1, hash));
  }

  @Override
  public boolean setRoles(String name, Set<Role> roles, Actor actor) {
    requireRoles(name, roles);
    return update(name, "update app_user set roles = ? where name = ?", actor, "user.roles",
        new JsonObject().put("roles", roleNames(roles)), (c, ps) -> ps.setArray(1, roleArray(c, roles)));
  }

  @Override
  public boolean setDisabled(String name, boolean disabled, Actor actor) {
    return update(name, "update app_user set disabled = ? where name = ?", actor,
        disabled ? "user.disable" : "user.enable", new JsonObject(), (c, ps) -> ps.setBoolean(1, disabled));
  }

  @Override
  public Optional<User> find(String name) {
    try (Connection c = dataSource.getConnection()) {
      return find(c, name);
    } catch (SQLException e) {
      throw failure("find user " + name, e);
    }
  }

  @Override
  public List<User> list() {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ALL);
        ResultSet rs = ps.executeQuery()) {
      List<User> users = new ArrayList<>();
      while (rs.next()) {
        users.add(user(rs));
      }
      return users;
    } catch (SQLException e) {
      throw failure("list users", e);
    }
  }

  @Override
  public long activeCount() {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ACTIVE);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failure("count users", e);
    }
  }

  @Override
  public AuthResult authenticate(String name, char[] password) {
    User user = null;
    String hash = null;
    if (name != null && User.NAME.matcher(name).matches()) {
      try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LOGIN)) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            user = user(rs);
            hash = rs.getString(5);
          }
        }
      } catch (SQLException e) {
        throw failure("authenticate user " + name, e);
      }
    }
    if (user == null) {
      PasswordHash.verify(password, decoy);
      return new AuthResult.Refused(name, AuthResult.Reason.UNKNOWN_USER);
    }
    boolean matches = PasswordHash.verify(password, hash);
    if (!matches) {
      return new AuthResult.Refused(name, AuthResult.Reason.WRONG_PASSWORD);
    }
    if (user.disabled()) {
      return new AuthResult.Refused(name, AuthResult.Reason.DISABLED);
    }
    return new AuthResult.Authenticated(user);
  }

  // ------------------------------------------------------------------ plumbing

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private interface Binder {
    void bind(Connection c, PreparedStatement ps) throws SQLException;
  }

  private boolean update(String name, String sql, Actor actor, String action, JsonObject detail, Binder binder) {
    return inTransaction(action + " " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        binder.bind(c, ps);
        ps.setString(2, name);
        if (ps.executeUpdate() == 0) {
          return false;
        }
      }
      audit(c, actor, action, name, detail);
      return true;
    });
  }

  private <T> T inTransaction(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static void audit(Connection c, Actor actor, String action, String name, JsonObject detail)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(AUDIT)) {
      ps.setObject(1, OffsetDateTime.now(java.time.ZoneOffset.UTC));
      ps.setString(2, actor.name());
      ps.setString(3, actor.channel());
      ps.setString(4, action);
      ps.setString(5, "user:" + name);
      ps.setString(6, detail.encode());
      ps.executeUpdate();
    }
  }

  private static Optional<User> find(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(BY_NAME)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(user(rs)) : Optional.empty();
      }
    }
  }

  private static User user(ResultSet rs) throws SQLException {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    Array array = rs.getArray(2);
    for (Object r : (Object[]) array.getArray()) {
      roles.add(Role.of((String) r));
    }
    Instant created = rs.getObject(4, OffsetDateTime.class).toInstant();
    return new User(rs.getString(1), roles, rs.getBoolean(3), created);
  }

  private static void requireRoles(String name, Set<Role> roles) {
    if (roles == null || roles.isEmpty()) {
      throw new IllegalArgumentException("user " + name + ": at least one role is required");
    }
  }

  private static Array roleArray(Connection c, Set<Role> roles) throws SQLException {
    return c.createArrayOf("text", EnumSet.copyOf(roles).stream().map(Role::sql).toArray());
  }

  private static JsonArray roleNames(Set<Role> roles) {
    JsonArray a = new JsonArray();
    EnumSet.copyOf(roles).forEach(r -> a.add(r.sql()));
    return a;
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("user store: " + what + ": " + e.getMessage(), e);
  }
}
