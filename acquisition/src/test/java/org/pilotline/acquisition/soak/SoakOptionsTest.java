package org.pilotline.acquisition.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SoakOptionsTest {
  @Test
  void defaultsAreThirtyMinutesAtTwentyThousandWithAMinuteOutageEveryFiveMinutes() {
    SoakOptions o = SoakOptions.parse(new String[0]);
    assertEquals(Duration.ofMinutes(30), o.duration());
    assertEquals(20_000, o.rate());
    assertEquals(Duration.ofMinutes(5), o.outageEvery());
    assertEquals(Duration.ofMinutes(5), o.firstOutageAfter());
    assertEquals(Duration.ofSeconds(60), o.outage());
    assertNull(o.jdbcUrl());
    assertEquals(SoakOptions.defaults(), o);
  }

  @Test
  void optionsAreReadWithTheirUnits() {
    SoakOptions o = SoakOptions.parse(new String[] {"--minutes", "1.5", "--rate", "5000", "--outage-every", "40s",
        "--outage-seconds", "20", "--first-outage-after", "10s", "--change-ms", "100", "--equipment", "4", "--keep"});
    assertEquals(Duration.ofSeconds(90), o.duration());
    assertEquals(5_000, o.rate());
    assertEquals(Duration.ofSeconds(40), o.outageEvery());
    assertEquals(Duration.ofSeconds(20), o.outage());
    assertEquals(Duration.ofSeconds(10), o.firstOutageAfter());
    assertEquals(100, o.changeMs());
    assertEquals(4, o.equipment());
    assertTrue(o.keep());
  }

  @Test
  void aGivenDatabaseRunsWithoutOutagesUnlessAskedAndThenIsRefused() {
    SoakOptions o = SoakOptions.parse(new String[] {"--jdbc-url", "jdbc:postgresql://127.0.0.1/x"});
    assertNull(o.outageEvery());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(
        new String[] {"--jdbc-url", "jdbc:postgresql://127.0.0.1/x", "--outage-every", "5m"}));
    assertTrue(e.getMessage().contains("--jdbc-url"), e.getMessage());
  }

  @Test
  void errorsNameTheOptionAndTheFault() {
    assertEquals("--rate: not a number: \"fast\"",
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(new String[] {"--rate", "fast"})).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> SoakOptions.parse(new String[] {"--outage-every", "30s", "--outage-seconds", "60"}))
        .getMessage().contains("--outage-every"));
    assertEquals("--minutes: missing value",
        assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(new String[] {"--minutes"})).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(new String[] {"--color", "red"}))
        .getMessage().startsWith("--color: unknown option"));
  }

  @Test
  void theLineOffersTheRateAskedForAndQueuesTenSecondsOfChanges() {
    SoakLine line = SoakLine.forRate("127.0.0.1", 4840, 20_000, 200, 10);
    assertEquals(4_000, line.tags());
    assertEquals(20_000, line.offeredPerSecond(), 1e-9);
    assertEquals(50, line.queueSize());
    assertEquals(4_000, line.forAcquisition().tagRefs().count());
    assertEquals(10, line.forSimulator().equipment().count());
  }
}
