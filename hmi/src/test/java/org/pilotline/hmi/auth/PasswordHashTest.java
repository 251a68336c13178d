package org.pilotline.hmi.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
  private static final PasswordHash FAST = PasswordHash.withIterations(2_000);

  @Test
  void hashHasTheStoredFormAndVerifies() {
    String h = FAST.hash("correct horse".toCharArray());
    String[] parts = h.split("\\$");
    assertEquals(4, parts.length);
    assertEquals("pbkdf2-sha256", parts[0]);
    assertEquals("2000", parts[1]);
    assertEquals(16, Base64.getDecoder().decode(parts[2]).length);
    assertEquals(32, Base64.getDecoder().decode(parts[3]).length);
    assertTrue(PasswordHash.verify("correct horse".toCharArray(), h));
    assertFalse(PasswordHash.verify("correct horsE".toCharArray(), h));
  }

  // The hash must be PBKDF2-HMAC-SHA256 of the password with the stored salt, so that other
  // tools (or a later version) can check it; computed here independently of the class.
  @Test
  void hashIsStandardPbkdf2OfTheStoredSalt() throws Exception {
    String h = FAST.hash("tr0ub4dor&3".toCharArray());
    String[] parts = h.split("\\$");
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
        .generateSecret(new PBEKeySpec("tr0ub4dor&3".toCharArray(), salt, 2000, 256)).getEncoded();
    assertEquals(Base64.getEncoder().encodeToString(expected), parts[3]);
  }

  @Test
  void samePasswordHashesDifferentlyEachTime() {
    assertNotEquals(FAST.hash("same-password".toCharArray()), FAST.hash("same-password".toCharArray()));
  }

  @Test
  void parametersTravelInTheStringSoOldHashesStillVerify() {
    String old = PasswordHash.withIterations(1_000).hash("kept-password".toCharArray());
    assertTrue(PasswordHash.verify("kept-password".toCharArray(), old));
    assertTrue(FAST.needsRehash(old));
    assertFalse(FAST.needsRehash(FAST.hash("kept-password".toCharArray())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "plain", "pbkdf2-sha256$2000$c2FsdA==", "bcrypt$2000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==",
      "pbkdf2-sha256$ten$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==",
      "pbkdf2-sha256$10$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==",
      "pbkdf2-sha256$2000000000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==",
      "pbkdf2-sha256$2000$!!!$aGFzaGhhc2hoYXNoaGFzaA=="})
  void malformedOrOutOfBoundsStoredHashMatchesNothing(String stored) {
    assertFalse(PasswordHash.verify("anything-at-all".toCharArray(), stored));
    assertThrows(IllegalArgumentException.class, () -> PasswordHash.requireWellFormed(stored));
  }

  @Test
  void shortOrHugePasswordsAreRefusedWhenSet() {
    assertThrows(IllegalArgumentException.class, () -> FAST.hash("1234567".toCharArray()));
    assertThrows(IllegalArgumentException.class, () -> FAST.hash(new char[PasswordHash.MAX_PASSWORD_CHARS + 1]));
    assertFalse(PasswordHash.verify(new char[0], FAST.hash("12345678".toCharArray())));
  }

  @Test
  void iterationBoundsAreEnforced() {
    assertThrows(IllegalArgumentException.class, () -> PasswordHash.withIterations(999));
    assertThrows(IllegalArgumentException.class, () -> PasswordHash.withIterations(PasswordHash.MAX_ITERATIONS + 1));
    assertEquals(PasswordHash.DEFAULT_ITERATIONS, PasswordHash.standard().iterations());
  }
}
