package org.pilotline.acquisition.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ulong;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pilotline.acquisition.line.Quality;
import org.pilotline.acquisition.line.Reading;

class DataValueConversionTest {
  private static final Instant SOURCE = Instant.parse("2026-03-01T08:00:00.123Z");
  private static final Instant SERVER = Instant.parse("2026-03-01T08:00:00.456Z");
  private static final Instant RECEIVED = Instant.parse("2026-03-01T08:00:01Z");

  private static DataValue value(Object v, long status, Instant source, Instant server) {
    return new DataValue(
        new Variant(v),
        new StatusCode(status),
        source == null ? null : new DateTime(source),
        server == null ? null : new DateTime(server));
  }

  private static Reading convert(Object v) {
    return DataValues.toReading(7, value(v, StatusCodes.Good, SOURCE, SERVER), RECEIVED);
  }

  @Nested
  class Values {
    static Stream<Arguments> numericTypes() {
      return Stream.of(
          Arguments.of("Double", 21.5, 21.5),
          Arguments.of("Float", 1.25f, 1.25),
          Arguments.of("Int32", -42, -42.0),
          Arguments.of("UInt32", uint(4_000_000_000L), 4.0e9),
          Arguments.of("Int64", -5_000_000_000L, -5.0e9),
          Arguments.of("UInt64 above Long.MAX", ulong(new java.math.BigInteger("18446744073709551615")),
              1.8446744073709552e19),
          Arguments.of("Int16", (short) -300, -300.0),
          Arguments.of("UInt16", ushort(65_535), 65_535.0),
          Arguments.of("SByte", (byte) -8, -8.0),
          Arguments.of("Byte", ubyte(255), 255.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numericTypes")
    void everyNumericTypeBecomesADouble(String type, Object value, double expected) {
      assertEquals(expected, convert(value).value());
    }

    @Test
    void booleanBecomesOneOrZero() {
      assertEquals(1.0, convert(true).value());
      assertEquals(0.0, convert(false).value());
    }

    @Test
    void stringHasNoValueAndIsMarkedATypeMismatch() {
      Reading reading = convert("C-000001");
      assertNull(reading.value());
      assertEquals(7, reading.tagId());
      assertEquals(StatusCodes.Bad_TypeMismatch, reading.statusCode());
      assertEquals(Quality.BAD, reading.quality());
    }

    @Test
    void arraysStructuresAndOtherTypesHaveNoValueAndAreMarkedATypeMismatch() {
      for (Object v : new Object[] {new double[] {1.0, 2.0}, new Double[] {1.0, 2.0}, LocalizedText.english("x"),
          ByteString.of(new byte[] {1, 2}), DateTime.now()}) {
        Reading reading = convert(v);
        assertNull(reading.value(), String.valueOf(v));
        assertEquals(StatusCodes.Bad_TypeMismatch, reading.statusCode(), String.valueOf(v));
      }
    }

    @Test
    void absentValueHasNoValueAndKeepsTheServersCode() {
      Reading reading = convert(null);
      assertNull(reading.value());
      assertEquals(0L, reading.statusCode());
    }

    @Test
    void wrongTypeWithABadCodeKeepsTheServersCode() {
      Reading reading = DataValues.toReading(3, value("broken", StatusCodes.Bad_SensorFailure, SOURCE, SERVER), RECEIVED);
      assertEquals(StatusCodes.Bad_SensorFailure, reading.statusCode());
    }
  }

  @Nested
  class Status {
    @Test
    void badStatusIsKeptWithItsFullCode() {
      Reading reading = DataValues.toReading(
          3, value(12.0, StatusCodes.Bad_SensorFailure, SOURCE, SERVER), RECEIVED);
      assertEquals(0x808C0000L, reading.statusCode());
      assertEquals(Quality.BAD, reading.quality());
      assertEquals(12.0, reading.value());
    }

    @Test
    void badStatusWithoutValueIsKept() {
      Reading reading = DataValues.toReading(
          3, value(null, 0x80000000L, SOURCE, SERVER), RECEIVED);
      assertEquals(0x80000000L, reading.statusCode());
      assertNull(reading.value());
    }

    @Test
    void uncertainStatusIsKeptWithInfoBits() {
      // Uncertain_LastUsableValue with the overflow info bit: the low bits must survive too.
      long code = StatusCodes.Uncertain_LastUsableValue | 0x0480L;
      Reading reading = DataValues.toReading(3, value(1.0, code, SOURCE, SERVER), RECEIVED);
      assertEquals(code, reading.statusCode());
      assertEquals(Quality.UNCERTAIN, reading.quality());
    }

    @Test
    void statusNamesReadAsTheSpecificationWritesThem() {
      assertEquals("BadNodeIdUnknown", DataValues.statusName(StatusCodes.Bad_NodeIdUnknown));
      assertEquals("Good", DataValues.statusName(0L));
      assertEquals("0x80FF0000", DataValues.statusName(0x80FF0000L));
    }
  }

  @Nested
  class Timestamps {
    @Test
    void sourceAndServerTimesAreKept() {
      Reading reading = convert(1.0);
      assertEquals(SOURCE, reading.sourceTime());
      assertEquals(SERVER, reading.serverTime());
    }

    @Test
    void missingSourceTimeFallsBackToServerTime() {
      Reading reading = DataValues.toReading(1, value(1.0, 0, null, SERVER), RECEIVED);
      assertEquals(SERVER, reading.sourceTime());
      assertEquals(SERVER, reading.serverTime());
    }

    @Test
    void missingSourceAndServerTimesFallBackToReceiveTime() {
      Reading reading = DataValues.toReading(1, value(1.0, 0, null, null), RECEIVED);
      assertEquals(RECEIVED, reading.sourceTime());
      assertNull(reading.serverTime());
    }

    @Test
    void opcUaNullDateTimeCountsAsMissing() {
      // Some servers send 1601-01-01 (DateTime 0) instead of leaving the timestamp out.
      DataValue dv = new DataValue(new Variant(1.0), StatusCode.GOOD, DateTime.NULL_VALUE, DateTime.NULL_VALUE);
      Reading reading = DataValues.toReading(1, dv, RECEIVED);
      assertEquals(RECEIVED, reading.sourceTime());
      assertNull(reading.serverTime());
    }

    @Test
    void subMillisecondSourceTimeSurvives() {
      Instant precise = Instant.parse("2026-03-01T08:00:00.1234567Z");
      Reading reading = DataValues.toReading(1, value(1.0, 0, precise, SERVER), RECEIVED);
      assertEquals(precise, reading.sourceTime());
    }
  }
}
