package org.pilotline.hmi.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.hmi.auth.UserStore.AuthResult;

class JdbcUserStoreIT {
  private static final UserStore.Actor ADMIN = new UserStore.Actor("root", "cli");
  private static TestDatabase.Schema schema;
  private static JdbcUserStore store;

  @BeforeAll
  static void migrate() {
    schema = TestDatabase.createMigratedSchema("user_store");
    store = new JdbcUserStore(schema.dataSource(), PasswordHash.withIterations(5_000));
  }

  @AfterAll
  static void drop() {
    TestDatabase.dropSchema(schema);
  }

  private static List<String> audit(String name) throws Exception {
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select action || ' by ' || actor || ' via ' || channel from audit_log where subject = ? order by id")) {
      ps.setString(1, "user:" + name);
      try (ResultSet rs = ps.executeQuery()) {
        List<String> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
        return rows;
      }
    }
  }

  @Test
  void addedUserLogsInWithItsRolesAndThePasswordIsStoredHashed() throws Exception {
    store.add("ana", "ana-password-1".toCharArray(), EnumSet.of(Role.ENGINEER), ADMIN);

    User u = assertInstanceOf(AuthResult.Authenticated.class, store.authenticate("ana", "ana-password-1".toCharArray())).user();
    assertEquals(EnumSet.of(Role.ENGINEER), EnumSet.copyOf(u.roles()));
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("select password_hash from app_user where name = 'ana'");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      assertTrue(rs.getString(1).startsWith("pbkdf2-sha256$5000$"));
      assertFalse(rs.getString(1).contains("ana-password-1"));
    }
    assertEquals(List.of("user.add by root via cli"), audit("ana"));
  }

  @Test
  void refusalsSayWhyForTheLog() {
    store.add("ben", "ben-password-1".toCharArray(), EnumSet.of(Role.OPERATOR), ADMIN);
    assertEquals(new AuthResult.Refused("ben", AuthResult.Reason.WRONG_PASSWORD),
        store.authenticate("ben", "ben-password-2".toCharArray()));
    assertEquals(new AuthResult.Refused("nobody", AuthResult.Reason.UNKNOWN_USER),
        store.authenticate("nobody", "whatever-pw".toCharArray()));
    store.setDisabled("ben", true, ADMIN);
    assertEquals(new AuthResult.Refused("ben", AuthResult.Reason.DISABLED),
        store.authenticate("ben", "ben-password-1".toCharArray()));
  }

  @Test
  void passwordAndRolesChangeAndEachChangeIsAudited() throws Exception {
    store.add("cleo", "cleo-password-1".toCharArray(), EnumSet.of(Role.OPERATOR), ADMIN);
    assertTrue(store.setPassword("cleo", "cleo-password-2".toCharArray(), ADMIN));
    assertTrue(store.setRoles("cleo", EnumSet.of(Role.OPERATOR, Role.ENGINEER), ADMIN));

    assertInstanceOf(AuthResult.Refused.class, store.authenticate("cleo", "cleo-password-1".toCharArray()));
    User u = assertInstanceOf(AuthResult.Authenticated.class,
        store.authenticate("cleo", "cleo-password-2".toCharArray())).user();
    assertTrue(u.has(Role.ENGINEER));
    assertEquals(List.of("user.add by root via cli", "user.passwd by root via cli", "user.roles by root via cli"),
        audit("cleo"));
    assertFalse(store.setPassword("no-such-user", "whatever-pw".toCharArray(), ADMIN));
  }

  @Test
  void addingATakenNameIsRefusedAndChangesNothing() {
    store.add("dora", "dora-password-1".toCharArray(), EnumSet.of(Role.OPERATOR), ADMIN);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> store.add("dora", "other-password".toCharArray(), EnumSet.of(Role.ADMIN), ADMIN));
    assertTrue(e.getMessage().contains("exists"), e.getMessage());
    assertInstanceOf(AuthResult.Authenticated.class, store.authenticate("dora", "dora-password-1".toCharArray()));
  }

  @Test
  void usersCommandReadsThePasswordFromStandardInput() throws Exception {
    UsersCommand.Options add = UsersCommand.parse(new String[] {"add", "emil", "--roles", "engineer"});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = UsersCommand.execute(add, store,
        UsersCommand.passwords(add, new ByteArrayInputStream("emil-from-stdin\n".getBytes(StandardCharsets.UTF_8)),
            System.err),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    assertInstanceOf(AuthResult.Authenticated.class, store.authenticate("emil", "emil-from-stdin".toCharArray()));
    ByteArrayOutputStream listed = new ByteArrayOutputStream();
    UsersCommand.Options list = UsersCommand.parse(new String[] {"list"});
    assertEquals(0, UsersCommand.execute(list, store, null, new PrintStream(listed, true, StandardCharsets.UTF_8), System.err));
    assertTrue(listed.toString(StandardCharsets.UTF_8).lines().anyMatch(l -> l.startsWith("emil") && l.contains("engineer")
        && l.contains("active")), listed.toString(StandardCharsets.UTF_8));
    assertFalse(listed.toString(StandardCharsets.UTF_8).contains("emil-from-stdin"));
  }
}
