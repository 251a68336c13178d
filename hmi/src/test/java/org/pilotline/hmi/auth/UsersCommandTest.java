package org.pilotline.hmi.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class UsersCommandTest {
  @Test
  void addParsesNameRolesAndPasswordFile() {
    UsersCommand.Options o = UsersCommand.parse(new String[] {"add", "erin", "--roles", "engineer,operator",
        "--password-file", "/run/secrets/erin", "--config", "/etc/pilotline"});
    assertEquals(new UsersCommand.Options("add", "erin", EnumSet.of(Role.ENGINEER, Role.OPERATOR),
        Path.of("/run/secrets/erin"), Path.of("/etc/pilotline")), o);
  }

  // A password in argv is visible to every user of the machine (ps, /proc): refused outright.
  @Test
  void passwordOnTheCommandLineIsRefusedWithTheAlternatives() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UsersCommand.parse(new String[] {"add", "erin", "--roles", "engineer", "--password", "hunter22"}));
    assertTrue(e.getMessage().contains("--password-file"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> UsersCommand.parse(new String[] {"passwd", "erin", "--password=hunter22"}));
  }

  @Test
  void unknownRoleNamesTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UsersCommand.parse(new String[] {"add", "erin", "--roles", "superuser"}));
    assertTrue(e.getMessage().contains("operator, engineer, admin"), e.getMessage());
  }

  @Test
  void addWithoutRolesAndActionsWithoutNameAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> UsersCommand.parse(new String[] {"add", "erin"}));
    assertThrows(IllegalArgumentException.class, () -> UsersCommand.parse(new String[] {"disable"}));
    assertThrows(IllegalArgumentException.class, () -> UsersCommand.parse(new String[] {"add", "bad name", "--roles", "operator"}));
  }

  @Test
  void listNeedsNoName() {
    UsersCommand.Options o = UsersCommand.parse(new String[] {"list"});
    assertEquals("list", o.action());
    assertNull(o.name());
  }
}
