package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.line.Reading;

class PgCopyEncoderTest {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  private static final int HEADER = 19;

  @Test
  void emptyStreamIsHeaderAndTrailer() {
    byte[] bytes = PgCopyEncoder.encode(List.of());
    assertArrayEquals(SIGNATURE, Arrays.copyOf(bytes, SIGNATURE.length));
    ByteBuffer b = ByteBuffer.wrap(bytes, SIGNATURE.length, bytes.length - SIGNATURE.length);
    assertEquals(0, b.getInt(), "flags");
    assertEquals(0, b.getInt(), "header extension length");
    assertEquals(-1, b.getShort(), "trailer");
    assertEquals(0, b.remaining());
  }

  @Test
  void rowHasFiveFieldsWithTimestampInMicrosSince2000() {
    Instant ts = Instant.parse("2000-01-01T00:00:01.000002Z");
    ByteBuffer b = row(new Reading(7, ts, Instant.parse("1999-12-31T23:59:59Z"), 1.5, 0L));
    assertEquals(5, b.getShort());
    assertEquals(8, b.getInt());
    assertEquals(1_000_002L, b.getLong(), "source time");
    assertEquals(4, b.getInt());
    assertEquals(7, b.getInt(), "tag id");
    assertEquals(8, b.getInt());
    assertEquals(1.5, b.getDouble());
    assertEquals(8, b.getInt());
    assertEquals(0L, b.getLong(), "quality");
    assertEquals(8, b.getInt());
    assertEquals(-1_000_000L, b.getLong(), "server time before the PostgreSQL epoch");
    assertEquals(-1, b.getShort());
  }

  @Test
  void nullValueAndNullServerTimeAreLengthMinusOne() {
    ByteBuffer b = row(new Reading(1, Instant.parse("2026-01-01T00:00:00Z"), null, null, 0x8034_0000L));
    b.getShort();
    b.position(b.position() + 4 + 8 + 4 + 4);
    assertEquals(-1, b.getInt(), "value is NULL, no bytes follow");
    assertEquals(8, b.getInt());
    assertEquals(0x8034_0000L, b.getLong(), "bad status code stays unsigned");
    assertEquals(-1, b.getInt(), "server time is NULL");
    assertEquals(-1, b.getShort());
  }

  @Test
  void nanAndInfinityKeepTheirIeeeBits() {
    for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0}) {
      ByteBuffer b = row(new Reading(1, Instant.EPOCH, null, v, 0L));
      b.position(b.position() + 2 + 4 + 8 + 4 + 4);
      assertEquals(8, b.getInt());
      assertEquals(Double.doubleToRawLongBits(v), b.getLong(), () -> "bits of " + v);
    }
  }

  @Test
  void subMicrosecondDigitsAreTruncated() {
    Instant t = Instant.parse("2026-01-01T00:00:00.123456789Z");
    assertEquals(PgCopyEncoder.pgMicros(Instant.parse("2026-01-01T00:00:00.123456Z")), PgCopyEncoder.pgMicros(t));
  }

  @Test
  void readingsPostgresqlCannotHoldAreRefused() {
    Reading farFuture = new Reading(1, Instant.parse("+300000-01-01T00:00:00Z"), null, 1.0, 0L);
    Reading negativeStatus = new Reading(1, Instant.EPOCH, null, 1.0, -1L);
    Reading wideStatus = new Reading(1, Instant.EPOCH, null, 1.0, 0x1_0000_0000L);
    assertFalse(PgCopyEncoder.encodable(farFuture));
    assertFalse(PgCopyEncoder.encodable(negativeStatus));
    assertFalse(PgCopyEncoder.encodable(wideStatus));
    assertFalse(PgCopyEncoder.encodable(new Reading(1, Instant.MAX, null, 1.0, 0L)));
    assertTrue(PgCopyEncoder.encodable(new Reading(1, Instant.parse("2026-01-02T00:00:00Z"), null, 1.0, 0xFFFF_FFFFL)));
    assertThrows(IllegalArgumentException.class, () -> new PgCopyEncoder(64).row(farFuture));
  }

  private static ByteBuffer row(Reading r) {
    byte[] bytes = PgCopyEncoder.encode(List.of(r));
    return ByteBuffer.wrap(bytes, HEADER, bytes.length - HEADER);
  }
}
