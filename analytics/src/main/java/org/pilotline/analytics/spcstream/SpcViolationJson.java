package org.pilotline.analytics.spcstream;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import org.pilotline.analytics.spc.SpcAlarm;

/**
 * The JSON of an SPC violation on {@link org.pilotline.analytics.Addresses#SPC_VIOLATIONS}:
 * {@code {"id", "tagId", "tag", "rule", "description", "ts", "value", "detectedAt", "figures",
 * "points"}}; times are ISO-8601 UTC, {@code id} is null when the row could not be stored.
 */
public final class SpcViolationJson {
  private SpcViolationJson() {}

  public static JsonObject toJson(SpcViolation v) {
    SpcAlarm a = v.alarm();
    return new JsonObject()
        .put("id", v.id())
        .put("tagId", v.tagId())
        .put("tag", v.tagKey())
        .put("rule", a.rule())
        .put("description", a.description())
        .put("ts", a.time().toString())
        .put("value", a.value())
        .put("detectedAt", v.detectedAt().toString())
        .put("figures", figures(a.figures()))
        .put("points", new JsonArray(new ArrayList<>(a.points())));
  }

  /** What goes into {@code spc_violation.detail}: the tag key, description, figures and points. */
  public static JsonObject detail(SpcViolation v) {
    SpcAlarm a = v.alarm();
    return new JsonObject()
        .put("tag", v.tagKey())
        .put("description", a.description())
        .put("figures", figures(a.figures()))
        .put("points", new JsonArray(new ArrayList<>(a.points())));
  }

  private static JsonObject figures(Map<String, Double> figures) {
    JsonObject o = new JsonObject();
    new TreeMap<>(figures).forEach(o::put);
    return o;
  }
}
