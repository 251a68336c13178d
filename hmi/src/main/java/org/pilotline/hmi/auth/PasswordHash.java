package org.pilotline.hmi.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes as stored in {@code app_user.password_hash}:
 * {@code pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>}, PBKDF2 with HMAC-SHA256 from the
 * JDK. The parameters travel in the string, so a stronger setting later still verifies old
 * hashes (and {@link #needsRehash} says which to renew).
 */
public final class PasswordHash {
  public static final String SCHEME = "pbkdf2-sha256";
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; about 0.6 s of CPU per hash with the JDK's provider. */
  public static final int DEFAULT_ITERATIONS = 600_000;
  /** Below this a stored hash is too weak to trust and is refused. */
  public static final int MIN_ITERATIONS = 1_000;
  /** Above this a stored hash would let one login tie up a core for minutes: refused as forged. */
  public static final int MAX_ITERATIONS = 10_000_000;
  /** Shorter new passwords are refused (NIST SP 800-63B's minimum). */
  public static final int MIN_PASSWORD_CHARS = 8;
  /** Longer passwords are refused before hashing (PBKDF2 time grows with length). */
  public static final int MAX_PASSWORD_CHARS = 1024;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int iterations;

  private PasswordHash(int iterations) {
    this.iterations = iterations;
  }

  /** Hashes with {@link #DEFAULT_ITERATIONS}. */
  public static PasswordHash standard() {
    return new PasswordHash(DEFAULT_ITERATIONS);
  }

  /**
   * Hashes with {@code iterations} (tests use a few thousand to stay fast).
   *
   * @throws IllegalArgumentException outside {@link #MIN_ITERATIONS}..{@link #MAX_ITERATIONS}
   */
  public static PasswordHash withIterations(int iterations) {
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("iterations not in " + MIN_ITERATIONS + ".." + MAX_ITERATIONS + ": "
          + iterations);
    }
    return new PasswordHash(iterations);
  }

  public int iterations() {
    return iterations;
  }

  /**
   * A new hash of {@code password} with a fresh random salt.
   *
   * @throws IllegalArgumentException when the password is shorter than {@link #MIN_PASSWORD_CHARS}
   *     or longer than {@link #MAX_PASSWORD_CHARS}
   */
  public String hash(char[] password) {
    requireUsable(password);
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = derive(password, salt, iterations, HASH_BYTES);
    Base64.Encoder b64 = Base64.getEncoder();
    return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  /**
   * Whether {@code password} matches {@code stored}, compared in constant time. A malformed or
   * out-of-bounds stored hash matches nothing.
   */
  public static boolean verify(char[] password, String stored) {
    Parsed p;
    try {
      p = parse(stored);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (password == null || password.length == 0 || password.length > MAX_PASSWORD_CHARS) {
      return false;
    }
    byte[] actual = derive(password, p.salt, p.iterations, p.hash.length);
    return MessageDigest.isEqual(actual, p.hash);
  }

  /** True when {@code stored} is weaker than this setting (fewer iterations) or unreadable. */
  public boolean needsRehash(String stored) {
    try {
      return parse(stored).iterations < iterations;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  /**
   * Checks the form of a stored hash.
   *
   * @throws IllegalArgumentException saying what is wrong (never echoing the hash)
   */
  public static void requireWellFormed(String stored) {
    parse(stored);
  }

  private record Parsed(int iterations, byte[] salt, byte[] hash) {}

  private static Parsed parse(String stored) {
    if (stored == null) {
      throw new IllegalArgumentException("no password hash");
    }
    String[] parts = stored.split("\\$", -1);
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException("not a " + SCHEME + "$<iterations>$<salt>$<hash> string");
    }
    int iterations;
    try {
      iterations = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("iterations not an integer");
    }
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("iterations not in " + MIN_ITERATIONS + ".." + MAX_ITERATIONS);
    }
    byte[] salt;
    byte[] hash;
    try {
      salt = Base64.getDecoder().decode(parts[2]);
      hash = Base64.getDecoder().decode(parts[3]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("salt or hash not base64");
    }
    if (salt.length < 8 || hash.length < 16 || hash.length > 64) {
      throw new IllegalArgumentException("salt shorter than 8 bytes or hash not 16..64 bytes");
    }
    return new Parsed(iterations, salt, hash);
  }

  private static void requireUsable(char[] password) {
    if (password == null || password.length < MIN_PASSWORD_CHARS) {
      throw new IllegalArgumentException("password shorter than " + MIN_PASSWORD_CHARS + " characters");
    }
    if (password.length > MAX_PASSWORD_CHARS) {
      throw new IllegalArgumentException("password longer than " + MAX_PASSWORD_CHARS + " characters");
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable in this JDK", e);
    } finally {
      spec.clearPassword();
    }
  }

  /** Overwrites a password held in an array once it is no longer needed. */
  public static void wipe(char[] password) {
    if (password != null) {
      Arrays.fill(password, '\0');
    }
  }
}
