package org.pilotline.acquisition.line;

/** The severity part of an OPC UA StatusCode (Part 4, 7.39: the top two bits). */
public enum Quality {
  GOOD,
  UNCERTAIN,
  BAD;

  public static Quality of(long statusCode) {
    long severity = (statusCode >>> 30) & 0x3;
    if (severity == 0) {
      return GOOD;
    }
    return severity == 1 ? UNCERTAIN : BAD;
  }
}
