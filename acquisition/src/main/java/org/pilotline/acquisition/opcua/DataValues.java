package org.pilotline.acquisition.opcua;

import java.time.Instant;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.pilotline.acquisition.line.Quality;
import org.pilotline.acquisition.line.Reading;

/**
 * Turns Milo {@link DataValue}s into {@link Reading}s. Pure functions; safe on any thread.
 *
 * <p>Values: every numeric OPC UA scalar (SByte to UInt64, Float, Double) becomes a double, a
 * Boolean becomes 1 or 0. A value of any other type (String, ByteString, DateTime, arrays,
 * structures) has no numeric value: it yields a null value with the StatusCode
 * {@code Bad_TypeMismatch}, unless the server's own code is already Bad (then that is kept), so
 * that the stored reading says why it has no number. An absent value (null) keeps the server's
 * code. UInt64/Int64 beyond 2^53 lose precision, as any double does. NaN and infinities pass
 * through unchanged (PostgreSQL's double precision stores them; see docs/RELIABILITY.md).
 *
 * <p>Bad and Uncertain values are kept, never dropped: the StatusCode travels as its unsigned
 * 32-bit value.
 *
 * <p>Timestamps: a reading's source time is the value's source time; when the server sent none
 * (absent, or the OPC UA null DateTime 1601-01-01), the server time; when that is missing too,
 * the time this client received the notification.
 */
public final class DataValues {
  private DataValues() {}

  /**
   * Converts one notification of one tag.
   *
   * @param receivedAt when this client received the notification, the last-resort source time
   */
  public static Reading toReading(int tagId, DataValue dataValue, Instant receivedAt) {
    Instant serverTime = instantOrNull(dataValue.getServerTime());
    Object raw = dataValue.getValue().getValue();
    Double value = toDouble(raw);
    long status = statusCode(dataValue);
    if (value == null && raw != null && Quality.of(status) != Quality.BAD) {
      status = StatusCodes.Bad_TypeMismatch;
    }
    return new Reading(tagId, sourceTime(dataValue, receivedAt), serverTime, value, status);
  }

  /** The value as a double, or null when it is not a numeric or Boolean scalar. */
  public static Double toDouble(Object value) {
    if (value instanceof Number n) {
      // Covers Java's Byte..Double and Milo's unsigned UByte, UShort, UInteger, ULong.
      return n.doubleValue();
    }
    if (value instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    return null;
  }

  /** The source time, else the server time, else {@code receivedAt}. */
  public static Instant sourceTime(DataValue dataValue, Instant receivedAt) {
    Instant source = instantOrNull(dataValue.getSourceTime());
    if (source != null) {
      return source;
    }
    Instant server = instantOrNull(dataValue.getServerTime());
    return server != null ? server : receivedAt;
  }

  /** The StatusCode as its unsigned 32-bit value; Good when the value carried none. */
  public static long statusCode(DataValue dataValue) {
    return dataValue.getStatusCode() == null ? 0L : dataValue.getStatusCode().getValue();
  }

  /** An OPC UA DateTime as an Instant, or null when absent or the OPC UA null DateTime. */
  public static Instant instantOrNull(DateTime dateTime) {
    return dateTime == null || dateTime.isNull() ? null : dateTime.getJavaInstant();
  }

  /**
   * The symbolic name of a StatusCode as the specification writes it ({@code BadNodeIdUnknown}),
   * or its hex value ({@code 0x80AB0000}) when the code is not a standard one.
   */
  public static String statusName(long statusCode) {
    return StatusCodes.lookup(statusCode)
        .map(nameAndDescription -> nameAndDescription[0].replace("_", ""))
        .orElseGet(() -> String.format("0x%08X", statusCode & 0xFFFFFFFFL));
  }
}
