package org.pilotline.acquisition.opcua.security;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pki list [--dir DIR]} and {@code pki trust <thumbprint-prefix> [--dir DIR]}: shows the
 * rejected and trusted server certificates of the PKI folder, and trusts a rejected one.
 */
public final class PkiCommand {
  static final String USAGE = "usage: pki list [--dir DIR] | pki trust <thumbprint-prefix> [--dir DIR]"
      + " (DIR defaults to " + Pki.DEFAULT_DIR + ")";

  private PkiCommand() {}

  /** Runs the command; returns the process exit code (0 ok, 1 refused, 2 usage). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path dir = Pki.DEFAULT_DIR;
    List<String> words = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--dir")) {
        if (i + 1 >= args.length) {
          err.println("--dir needs a folder; " + USAGE);
          return 2;
        }
        dir = Path.of(args[++i]);
      } else {
        words.add(args[i]);
      }
    }
    if (words.isEmpty()) {
      err.println(USAGE);
      return 2;
    }
    Pki pki = Pki.open(dir);
    switch (words.get(0)) {
      case "list" -> {
        if (words.size() != 1) {
          err.println(USAGE);
          return 2;
        }
        print(out, "rejected", pki.rejectedCertificates());
        print(out, "trusted", pki.trusted());
        return 0;
      }
      case "trust" -> {
        if (words.size() != 2) {
          err.println(USAGE);
          return 2;
        }
        try {
          Pki.CertificateEntry e = pki.trust(words.get(1));
          out.println("trusted " + e.thumbprint() + " " + e.subject() + " -> " + e.file());
          return 0;
        } catch (IllegalArgumentException e) {
          err.println(e.getMessage());
          return 1;
        }
      }
      default -> {
        err.println("unknown pki command \"" + words.get(0) + "\"; " + USAGE);
        return 2;
      }
    }
  }

  private static void print(PrintStream out, String title, List<Pki.CertificateEntry> entries) {
    out.println(title + " (" + entries.size() + "):");
    for (Pki.CertificateEntry e : entries) {
      out.println("  " + e.thumbprint() + "  " + e.subject() + "  valid " + e.notBefore() + " .. " + e.notAfter());
    }
  }
}
