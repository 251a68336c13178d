package org.pilotline.acquisition.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
  @Test
  void delaysDoubleUpToTheCapWithoutJitter() {
    ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(500), Duration.ofSeconds(4), 0, new SplittableRandom(1));

    List<Long> delays = LongStream.range(0, 6).map(i -> backoff.nextDelayMs()).boxed().toList();

    assertEquals(List.of(500L, 1_000L, 2_000L, 4_000L, 4_000L, 4_000L), delays);
  }

  @Test
  void resetStartsOverAtTheInitialDelay() {
    ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(500), Duration.ofSeconds(4), 0, new SplittableRandom(1));
    backoff.nextDelayMs();
    backoff.nextDelayMs();

    backoff.reset();

    assertEquals(500L, backoff.nextDelayMs());
  }

  // The cap is what bounds recovery time after a server returns: jitter may only shorten a delay.
  @Test
  void jitterOnlyShortensAndStaysWithinItsFraction() {
    ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(500), Duration.ofSeconds(4), 0.2, new SplittableRandom(7));
    for (int i = 0; i < 200; i++) {
      long d = backoff.nextDelayMs();
      long base = Math.min(4_000, 500L << Math.min(i, 3));
      assertTrue(d <= base && d >= Math.round(base * 0.8), "delay " + i + ": " + d + " for base " + base);
    }
  }

  @Test
  void refusesAnInitialDelayAboveTheCap() {
    assertThrows(IllegalArgumentException.class,
        () -> new ReconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1), 0, new SplittableRandom(1)));
  }
}
