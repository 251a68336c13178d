package org.pilotline.acquisition.opcua.discovery;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns OPC UA browse names into the ids {@code line.yaml} accepts (letters, digits, '_', '-', '.',
 * starting with a letter or digit), lowerCamel as the rest of the file, and keeps them unique.
 *
 * <p>Words are split at anything that is not an ASCII letter or digit, after accents are stripped
 * ({@code "Öfen Temp."} becomes {@code ofenTemp}). A first word in capitals is lower-cased whole
 * ({@code "DB_Coater"} becomes {@code dbCoater}); later words keep their case after a capital
 * first letter, so names already in lowerCamel stay as they are.
 */
public final class DraftNames {
  /** Ids longer than this are cut: they end up in tag keys and web pages. */
  static final int MAX_LENGTH = 80;

  private final Set<String> taken = new HashSet<>();

  /** A fresh scope: names claimed here are unique among themselves only. */
  public DraftNames() {}

  /**
   * The lowerCamel id for these name parts, joined in order, or {@code fallback} when nothing of
   * them survives (a name in another script, only punctuation).
   */
  public static String lowerCamel(List<String> parts, String fallback) {
    List<String> words = new ArrayList<>();
    for (String part : parts) {
      if (part == null) {
        continue;
      }
      String ascii = Normalizer.normalize(part, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
      for (String w : ascii.split("[^A-Za-z0-9]+")) {
        if (!w.isEmpty()) {
          words.add(w);
        }
      }
    }
    if (words.isEmpty()) {
      return fallback;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (i == 0) {
        sb.append(w.equals(w.toUpperCase(Locale.ROOT)) ? w.toLowerCase(Locale.ROOT)
            : Character.toLowerCase(w.charAt(0)) + w.substring(1));
      } else {
        sb.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
      }
    }
    return sb.length() > MAX_LENGTH ? sb.substring(0, MAX_LENGTH) : sb.toString();
  }

  /** As {@link #lowerCamel(List, String)} for one name. */
  public static String lowerCamel(String name, String fallback) {
    return lowerCamel(List.of(name == null ? "" : name), fallback);
  }

  /**
   * Claims {@code base} in this scope, or the first free {@code base_2}, {@code base_3}, ... when
   * it is taken. Comparison ignores case: ids differing only in case confuse people and some
   * databases.
   */
  public String claim(String base) {
    String candidate = base;
    for (int n = 2; !taken.add(candidate.toLowerCase(Locale.ROOT)); n++) {
      candidate = base + "_" + n;
    }
    return candidate;
  }
}
