package org.pilotline.acquisition.store;

import java.time.Instant;
import java.util.Arrays;
import org.pilotline.acquisition.line.Reading;

/**
 * Encodes readings as PostgreSQL binary COPY for
 * {@code COPY reading(ts, tag_id, value, quality, server_ts) FROM STDIN (FORMAT binary)}.
 *
 * <p>Framing (PostgreSQL docs, "COPY", binary format): an 11-byte signature, int32 flags, int32
 * header-extension length; per row an int16 field count, then per field an int32 length (-1 for
 * NULL) and the value in network byte order; an int16 -1 trailer. timestamptz is int64
 * microseconds since 2000-01-01 UTC. float8 is the IEEE 754 bit pattern, so NaN and ±Infinity
 * pass through as PostgreSQL accepts them.
 */
public final class PgCopyEncoder {
  /** Unix epoch micros of 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch. */
  static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
  // PostgreSQL's timestamp range in micros since its epoch (MIN_TIMESTAMP, END_TIMESTAMP).
  private static final long PG_MIN_MICROS = -211_813_488_000_000_000L;
  private static final long PG_END_MICROS = 9_223_371_331_200_000_000L;
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  private static final int FIELDS = 5;
  private static final int MAX_ROW_BYTES = 2 + 4 + 8 + 4 + 4 + 4 + 8 + 4 + 8 + 4 + 8;

  private byte[] buf;
  private int pos;

  public PgCopyEncoder(int initialCapacity) {
    buf = new byte[Math.max(64, initialCapacity)];
  }

  /** Whether PostgreSQL can store this reading (times in timestamptz range, 32-bit status). */
  public static boolean encodable(Reading r) {
    return inRange(r.sourceTime())
        && (r.serverTime() == null || inRange(r.serverTime()))
        && r.statusCode() >= 0 && r.statusCode() <= 0xFFFF_FFFFL;
  }

  /** The whole COPY stream for these readings: header, rows, trailer. */
  public static byte[] encode(Iterable<Reading> readings) {
    PgCopyEncoder e = new PgCopyEncoder(4096);
    e.header();
    for (Reading r : readings) {
      e.row(r);
    }
    e.trailer();
    return e.toByteArray();
  }

  public PgCopyEncoder header() {
    ensure(SIGNATURE.length + 8);
    System.arraycopy(SIGNATURE, 0, buf, pos, SIGNATURE.length);
    pos += SIGNATURE.length;
    putInt(0); // flags: no OIDs
    putInt(0); // header extension length
    return this;
  }

  /** @throws IllegalArgumentException when the reading is not {@link #encodable(Reading)} */
  public PgCopyEncoder row(Reading r) {
    if (!encodable(r)) {
      throw new IllegalArgumentException("reading out of PostgreSQL range: " + r);
    }
    ensure(MAX_ROW_BYTES);
    putShort(FIELDS);
    putInt(8);
    putLong(pgMicros(r.sourceTime()));
    putInt(4);
    putInt(r.tagId());
    if (r.value() == null) {
      putInt(-1);
    } else {
      putInt(8);
      // raw bits: keeps the NaN payload exactly as received
      putLong(Double.doubleToRawLongBits(r.value()));
    }
    putInt(8);
    putLong(r.statusCode());
    if (r.serverTime() == null) {
      putInt(-1);
    } else {
      putInt(8);
      putLong(pgMicros(r.serverTime()));
    }
    return this;
  }

  public PgCopyEncoder trailer() {
    ensure(2);
    putShort(-1);
    return this;
  }

  public int size() {
    return pos;
  }

  /** The bytes written so far; valid until the next write or {@link #reset()}. */
  byte[] buffer() {
    return buf;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  public void reset() {
    pos = 0;
  }

  /** Microseconds since 2000-01-01 UTC; sub-microsecond digits are truncated toward the past. */
  static long pgMicros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000)
        - PG_EPOCH_MICROS;
  }

  private static boolean inRange(Instant t) {
    long seconds = t.getEpochSecond();
    // cheap guard before exact arithmetic: beyond ±292,000 years micros overflow a long
    if (seconds > 9_000_000_000_000L || seconds < -9_000_000_000_000L) {
      return false;
    }
    long micros = pgMicros(t);
    return micros >= PG_MIN_MICROS && micros < PG_END_MICROS;
  }

  private void ensure(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }

  private void putShort(int v) {
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
  }

  private void putInt(int v) {
    buf[pos++] = (byte) (v >>> 24);
    buf[pos++] = (byte) (v >>> 16);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
  }

  private void putLong(long v) {
    putInt((int) (v >>> 32));
    putInt((int) v);
  }
}
