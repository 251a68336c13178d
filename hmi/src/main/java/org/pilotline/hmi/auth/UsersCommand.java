package org.pilotline.hmi.auth;

import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.pilotline.acquisition.config.ApplicationConfig;
import org.pilotline.acquisition.line.ConfigException;
import org.pilotline.acquisition.store.Database;
import org.pilotline.acquisition.store.EmbeddedDatabase;
import org.pilotline.acquisition.store.SchemaMigrator;

/**
 * {@code Launcher users ...}: manages the users of the HMI and the result server. Passwords are
 * read from the terminal (asked twice), from standard input (one line), or from
 * {@code --password-file}; never from the command line, where every user of the machine could
 * read them ({@code ps}).
 *
 * <pre>
 * users add &lt;name&gt; --roles engineer,operator [--password-file FILE]
 * users passwd &lt;name&gt; [--password-file FILE]
 * users roles &lt;name&gt; --roles operator
 * users disable &lt;name&gt; | users enable &lt;name&gt;
 * users list
 * common option: --config DIR (default: the system property pilotline.config.dir, then ./config)
 * </pre>
 */
public final class UsersCommand {
  static final String USAGE = """
      usage: Launcher users add <name> --roles engineer,operator [--password-file FILE] [--config DIR]
             Launcher users passwd <name> [--password-file FILE] [--config DIR]
             Launcher users roles <name> --roles operator[,engineer,admin] [--config DIR]
             Launcher users disable|enable <name> [--config DIR]
             Launcher users list [--config DIR]
      The password is asked on the terminal, or read as one line from standard input, or from
      --password-file; it is never given on the command line.""";

  private UsersCommand() {}

  /** A parsed command line. */
  record Options(String action, String name, Set<Role> roles, Path passwordFile, Path configDir) {}

  /** Where a new password comes from. */
  interface PasswordSource {
    char[] read(String prompt) throws IOException;
  }

  /**
   * Runs the command against the database of {@code <config>/application.yaml}.
   *
   * @return the exit code: 0 done, 1 failed (no such user, database), 2 wrong usage
   */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    ApplicationConfig config;
    try {
      config = ApplicationConfig.load(options.configDir().resolve("application.yaml"));
    } catch (ConfigException e) {
      err.println("configuration error:\n" + e.getMessage());
      return 2;
    }
    ApplicationConfig.Database db = config.database();
    EmbeddedDatabase embedded = null;
    try {
      String url = db.url();
      if (db.embedded()) {
        try {
          embedded = EmbeddedDatabase.start(db.dataDir(), 0);
        } catch (IOException | RuntimeException e) {
          err.println("cannot start the embedded database in " + db.dataDir() + ": " + e.getMessage()
              + "\nOnly one process may use it: stop pilotline first, or point database.url at a server.");
          return 1;
        }
        url = embedded.jdbcUrl();
      }
      try (HikariDataSource ds = Database.createDataSource(url, db.embedded() ? "postgres" : db.user(),
          db.password().orElse(null), db.schema(), 1)) {
        SchemaMigrator.migrate(ds, db.schema());
        return execute(options, new JdbcUserStore(ds), passwords(options, in, err), out, err);
      }
    } catch (Exception e) {
      err.println("users " + options.action() + " failed: " + e.getMessage());
      return 1;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /** Parses the arguments after {@code users}. */
  static Options parse(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("users: give an action");
    }
    String action = args[0];
    if (!List.of("add", "passwd", "roles", "disable", "enable", "list").contains(action)) {
      throw new IllegalArgumentException("users: unknown action \"" + action + "\"");
    }
    String name = null;
    Set<Role> roles = null;
    Path passwordFile = null;
    Path configDir = Path.of(System.getProperty("pilotline.config.dir", "config"));
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--roles" -> roles = roles(value(args, ++i, a));
        case "--password-file" -> passwordFile = Path.of(value(args, ++i, a));
        case "--config" -> configDir = Path.of(value(args, ++i, a));
        default -> {
          if (a.equals("--password") || a.startsWith("--password=")) {
            throw new IllegalArgumentException("users: a password on the command line is visible to every user"
                + " of this machine; type it when asked, pipe it on standard input, or use --password-file");
          }
          if (a.startsWith("--") || name != null) {
            throw new IllegalArgumentException("users " + action + ": unexpected argument \"" + a + "\"");
          }
          name = User.requireName(a);
        }
      }
    }
    if (!action.equals("list") && name == null) {
      throw new IllegalArgumentException("users " + action + ": give the user's name");
    }
    if ((action.equals("add") || action.equals("roles")) && roles == null) {
      throw new IllegalArgumentException("users " + action + ": give --roles, e.g. --roles engineer,operator");
    }
    if (roles != null && !(action.equals("add") || action.equals("roles"))) {
      throw new IllegalArgumentException("users " + action + ": --roles is for add and roles");
    }
    if (passwordFile != null && !(action.equals("add") || action.equals("passwd"))) {
      throw new IllegalArgumentException("users " + action + ": --password-file is for add and passwd");
    }
    return new Options(action, name, roles, passwordFile, configDir);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException("users: " + option + " needs a value");
    }
    return args[i];
  }

  private static Set<Role> roles(String list) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String r : list.split(",")) {
      if (!r.isBlank()) {
        roles.add(Role.of(r));
      }
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("users: --roles names no role");
    }
    return roles;
  }

  /** Carries out parsed options on a store. */
  static int execute(Options o, UserStore store, PasswordSource passwords, PrintStream out, PrintStream err)
      throws IOException {
    UserStore.Actor actor = new UserStore.Actor(System.getProperty("user.name", "unknown"), "cli");
    switch (o.action()) {
      case "list" -> {
        List<User> users = store.list();
        if (users.isEmpty()) {
          out.println("no users; add one with: Launcher users add <name> --roles engineer");
        }
        for (User u : users) {
          out.printf("%-24s %-26s %-8s %s%n", u.name(),
              u.roles().stream().sorted().map(Role::sql).collect(Collectors.joining(",")),
              u.disabled() ? "disabled" : "active", u.createdAt());
        }
        return 0;
      }
      case "add" -> {
        if (store.find(o.name()).isPresent()) {
          err.println("user " + o.name() + " exists already; use users passwd or users roles");
          return 1;
        }
        char[] password = passwords.read("Password for " + o.name() + ": ");
        try {
          User u = store.add(o.name(), password, o.roles(), actor);
          out.println("user " + u.name() + " added with roles "
              + u.roles().stream().sorted().map(Role::sql).collect(Collectors.joining(",")));
          return 0;
        } finally {
          PasswordHash.wipe(password);
        }
      }
      case "passwd" -> {
        if (store.find(o.name()).isEmpty()) {
          return noSuchUser(o, err);
        }
        char[] password = passwords.read("New password for " + o.name() + ": ");
        try {
          return done(store.setPassword(o.name(), password, actor), "password of " + o.name() + " changed", o, out, err);
        } finally {
          PasswordHash.wipe(password);
        }
      }
      case "roles" -> {
        return done(store.setRoles(o.name(), o.roles(), actor), "roles of " + o.name() + " set to "
            + o.roles().stream().sorted().map(Role::sql).collect(Collectors.joining(",")), o, out, err);
      }
      case "disable" -> {
        return done(store.setDisabled(o.name(), true, actor), "user " + o.name() + " disabled", o, out, err);
      }
      case "enable" -> {
        return done(store.setDisabled(o.name(), false, actor), "user " + o.name() + " enabled", o, out, err);
      }
      default -> throw new IllegalStateException(o.action());
    }
  }

  private static int done(boolean changed, String message, Options o, PrintStream out, PrintStream err) {
    if (!changed) {
      return noSuchUser(o, err);
    }
    out.println(message);
    return 0;
  }

  private static int noSuchUser(Options o, PrintStream err) {
    err.println("no user " + o.name() + "; see users list");
    return 1;
  }

  /** The password file, else the terminal (asked twice), else one line of {@code in}. */
  static PasswordSource passwords(Options o, InputStream in, PrintStream err) {
    if (o.passwordFile() != null) {
      return prompt -> fromFile(o.passwordFile());
    }
    Console console = System.console();
    if (console != null && in == System.in) {
      return prompt -> {
        char[] first = console.readPassword("%s", prompt);
        char[] again = console.readPassword("Again: ");
        try {
          if (first == null || again == null || !Arrays.equals(first, again)) {
            throw new IllegalArgumentException("the two passwords differ");
          }
          return first;
        } finally {
          PasswordHash.wipe(again);
        }
      };
    }
    return prompt -> {
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line = reader.readLine();
      if (line == null || line.isEmpty()) {
        throw new IllegalArgumentException("no password on standard input (one line expected)");
      }
      return line.toCharArray();
    };
  }

  private static char[] fromFile(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    // Editors and "echo" add a line break that is not part of the password.
    text = text.replaceFirst("\\r?\\n\\z", "");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("password file " + file + " is empty");
    }
    return text.toCharArray();
  }
}
