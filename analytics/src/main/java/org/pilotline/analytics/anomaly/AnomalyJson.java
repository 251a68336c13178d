package org.pilotline.analytics.anomaly;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pilotline.analytics.model.Contribution;

/**
 * The JSON form of anomalies and verdicts: on the event bus ({@code Addresses.ANOMALIES},
 * {@code Addresses.VERDICTS}), in the REST API and in the {@code contributions} jsonb column. Times
 * are ISO-8601 strings, so the same JSON serves browsers and other nodes.
 */
public final class AnomalyJson {
  private AnomalyJson() {}

  public static JsonObject toJson(Anomaly a) {
    return new JsonObject()
        .put("id", a.id())
        .put("subjectKind", a.subjectKind())
        .put("subjectId", a.subjectId())
        .put("modelKind", a.modelKind())
        .put("modelVersion", a.modelVersion())
        .put("detectedAt", a.detectedAt().toString())
        .put("score", a.score())
        .put("threshold", a.threshold())
        .put("contributions", contributions(a.contributions()))
        .put("state", a.state().sql())
        .put("acknowledgedBy", a.acknowledgedBy())
        .put("acknowledgedAt", a.acknowledgedAt() == null ? null : a.acknowledgedAt().toString())
        .put("comment", a.comment());
  }

  public static Anomaly anomaly(JsonObject j) {
    String ackAt = j.getString("acknowledgedAt");
    return new Anomaly(j.getLong("id", 0L), j.getString("subjectKind"), j.getString("subjectId"),
        j.getString("modelKind"), j.getInteger("modelVersion"),
        Instant.parse(j.getString("detectedAt")), j.getDouble("score"), j.getDouble("threshold"),
        contributions(j.getJsonArray("contributions")),
        Anomaly.State.valueOf(j.getString("state").toUpperCase(java.util.Locale.ROOT)),
        j.getString("acknowledgedBy"), ackAt == null ? null : Instant.parse(ackAt),
        j.getString("comment"));
  }

  public static JsonObject toJson(CellVerdict v) {
    return new JsonObject()
        .put("cellId", v.cellId())
        .put("completedAt", v.completedAt().toString())
        .put("scoredAt", v.scoredAt().toString())
        .put("ok", v.ok())
        .put("modelKind", v.modelKind())
        .put("modelVersion", v.modelVersion())
        .put("score", v.score())
        .put("threshold", v.threshold())
        .put("topCause", v.topCause())
        .put("anomalyId", v.anomalyId())
        .put("stations", new JsonArray(new ArrayList<Object>(v.stations())));
  }

  public static CellVerdict verdict(JsonObject j) {
    List<String> stations = new ArrayList<>();
    j.getJsonArray("stations", new JsonArray()).forEach(s -> stations.add((String) s));
    return new CellVerdict(j.getString("cellId"), Instant.parse(j.getString("completedAt")),
        Instant.parse(j.getString("scoredAt")), j.getBoolean("ok"), j.getString("modelKind"),
        j.getInteger("modelVersion"), j.getDouble("score"), j.getDouble("threshold"),
        j.getString("topCause"), j.getLong("anomalyId"), stations);
  }

  /** Contributions as {@code [{"feature": .., "value": ..}]}, in their order. */
  public static JsonArray contributions(List<Contribution> cs) {
    JsonArray a = new JsonArray();
    cs.forEach(c -> a.add(new JsonObject().put("feature", c.feature()).put("value", c.value())));
    return a;
  }

  public static List<Contribution> contributions(String json) {
    return contributions(new JsonArray(json));
  }

  public static List<Contribution> contributions(JsonArray a) {
    List<Contribution> cs = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonObject c = a.getJsonObject(i);
      cs.add(new Contribution(c.getString("feature"), c.getDouble("value")));
    }
    return cs;
  }
}
