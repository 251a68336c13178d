package org.pilotline.hmi.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiVerticleTest {
  private static TagSnapshot process(Double value, Long statusCode) {
    return new TagSnapshot("coating/coater/webSpeed", "process", "coating", "coater", "webSpeed", "m/min",
        value, null, statusCode, value == null ? null : Instant.parse("2026-11-27T10:00:00Z"), null,
        1.8, 2.2, 2.0, "ok", "");
  }

  private static JsonObject only(TagSnapshot s) {
    return ApiVerticle.latestJson(List.of(s)).getJsonArray("tags").getJsonObject(0);
  }

  @Test
  void badStatusIsNamedWithItsCode() {
    JsonObject t = only(process(1.5, 0x808C0000L));
    assertEquals("BAD", t.getString("quality"));
    assertEquals(0x808C0000L, t.getLong("statusCode"));
    assertEquals(1.5, t.getDouble("value"));
  }

  // JSON has no NaN or Infinity: encoding them as numbers would fail or alter the value.
  @Test
  void nonFiniteValuesTravelAsStrings() {
    assertEquals("NaN", only(process(Double.NaN, 0L)).getValue("value"));
    assertEquals("-Infinity", only(process(Double.NEGATIVE_INFINITY, 0L)).getValue("value"));
    assertEquals("NaN", new JsonObject(ApiVerticle.latestJson(List.of(process(Double.NaN, 0L))).encode())
        .getJsonArray("tags").getJsonObject(0).getValue("value"));
  }

  @Test
  void tagWithoutReadingsIsListedWithoutValueOrQuality() {
    JsonObject t = only(process(null, null));
    assertNull(t.getValue("value"));
    assertNull(t.getString("quality"));
    assertNull(t.getString("sourceTime"));
    assertEquals("coating/coater/webSpeed", t.getString("key"));
  }
}
