package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which write failures quarantine a batch and which are retried until the database is back. */
class DataRefusalTest {
  @ParameterizedTest(name = "{0} ({1}) refuses the data: {2}")
  @CsvSource({
      "23514, check violation, true",
      "23505, unique violation, true",
      "23503, foreign key violation, true",
      "23502, not null violation, true",
      "22003, numeric value out of range, true",
      "22008, datetime field overflow, true",
      "22P04, bad copy file format, true",
      "08006, connection failure, false",
      "08001, cannot connect now, false",
      "57P01, admin shutdown, false",
      "57014, query canceled, false",
      "53100, disk full, false",
      "53300, too many connections, false",
      "40001, serialization failure, false",
      "40P01, deadlock, false",
      "42P01, table missing, false",
      "25P02, transaction aborted, false",
      "XX000, internal error, false",
  })
  void onlyDataExceptionsAndConstraintViolationsRefuseTheData(String sqlState, String what, boolean refuses) {
    assertEquals(refuses, CopyReadingWriter.isDataRefusal(new SQLException(what, sqlState)));
    // as the pool or a wrapper may hand it on
    assertEquals(refuses, CopyReadingWriter.isDataRefusal(new RuntimeException(new SQLException(what, sqlState))));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"no SQLSTATE", "I/O"})
  void failureWithoutSqlStateIsRetried(String what) {
    assertEquals(false, CopyReadingWriter.isDataRefusal(new SQLException(what)));
    assertEquals(false, CopyReadingWriter.isDataRefusal(new IOException(what)));
  }
}
