package org.pilotline.hmi.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.pilotline.acquisition.store.QuarantineBatch;
import org.pilotline.acquisition.store.QuarantinedReading;
import org.pilotline.acquisition.store.ReadingQuarantine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API and the static HMI pages. Queries run on worker threads; the event loop only
 * routes and encodes.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  private static final int QUARANTINE_DEFAULT_LIMIT = 100;
  private static final int QUARANTINE_MAX_LIMIT = 1_000;
  private static final int QUARANTINE_MAX_ROWS = 10_000;

  private final String host;
  private final int port;
  private final LatestValues latestValues;
  private final HealthReport healthReport;
  private final ReadingQuarantine quarantine;
  private HttpServer server;

  /** An API without a quarantine view: {@code /api/quarantine} answers 404. */
  public ApiVerticle(String host, int port, LatestValues latestValues, HealthReport healthReport) {
    this(host, port, latestValues, healthReport, null);
  }

  /** @param quarantine what {@code /api/quarantine} lists; null for none */
  public ApiVerticle(String host, int port, LatestValues latestValues, HealthReport healthReport,
      ReadingQuarantine quarantine) {
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.latestValues = Objects.requireNonNull(latestValues, "latestValues");
    this.healthReport = Objects.requireNonNull(healthReport, "healthReport");
    this.quarantine = quarantine;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/api/health").handler(ctx -> respond(ctx, healthReport::health));
    router.get("/api/tags/latest").handler(ctx -> respond(ctx, () -> latestJson(latestValues.latest())));
    if (quarantine != null) {
      router.get("/api/quarantine").handler(ctx -> {
        Integer limit = intParam(ctx, "limit", 1, QUARANTINE_MAX_LIMIT, QUARANTINE_DEFAULT_LIMIT);
        if (limit != null) {
          respond(ctx, () -> quarantineJson(quarantine.totals(), quarantine.recent(limit)));
        }
      });
      router.get("/api/quarantine/:id").handler(ctx -> {
        long id;
        try {
          id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
          badRequest(ctx, "id: not a number: " + ctx.pathParam("id"));
          return;
        }
        Integer limit = intParam(ctx, "limit", 1, QUARANTINE_MAX_ROWS, QUARANTINE_MAX_ROWS);
        if (limit != null) {
          respond(ctx, () -> quarantinedReadingsJson(id, quarantine.readings(id, limit)));
        }
      });
    }
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(port, host)
        .onSuccess(s -> {
          server = s;
          LOG.info("http api listening: url=http://{}:{}/", host, s.actualPort());
        });
  }

  /** The bound port; differs from the configured one when that was 0. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void respond(RoutingContext ctx, Callable<JsonObject> query) {
    vertx.executeBlocking(query, false)
        .onSuccess(json -> ctx.response()
            .putHeader("content-type", "application/json")
            .putHeader("cache-control", "no-store")
            .end(json.encode()))
        .onFailure(e -> {
          LOG.warn("api request failed: path={}, reason={}", ctx.request().path(), e.toString());
          ctx.response().setStatusCode(503).putHeader("content-type", "application/json")
              .end(new JsonObject().put("error", String.valueOf(e.getMessage())).encode());
        });
  }

  private static Integer intParam(RoutingContext ctx, String name, int min, int max, int otherwise) {
    String text = ctx.request().getParam(name);
    if (text == null) {
      return otherwise;
    }
    try {
      int v = Integer.parseInt(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    badRequest(ctx, name + ": not a whole number from " + min + " to " + max + ": " + text);
    return null;
  }

  private static void badRequest(RoutingContext ctx, String fault) {
    ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", fault).encode());
  }

  /** The quarantine's totals and its newest events, newest first. */
  static JsonObject quarantineJson(ReadingQuarantine.Totals totals, List<QuarantineBatch> recent) {
    JsonArray batches = new JsonArray();
    for (QuarantineBatch b : recent) {
      batches.add(new JsonObject()
          .put("id", b.id())
          .put("quarantinedAt", b.quarantinedAt().toString())
          .put("rows", b.rowsQuarantined())
          .put("rowsOffered", b.rowsOffered())
          .put("sqlState", b.sqlState())
          .put("reason", b.reason())
          .put("spoolId", b.spoolId())
          .put("lastSeq", b.spoolId() == null ? null : b.lastSeq())
          .put("firstSourceTime", b.firstSourceTime() == null ? null : b.firstSourceTime().toString())
          .put("lastSourceTime", b.lastSourceTime() == null ? null : b.lastSourceTime().toString()));
    }
    return new JsonObject()
        .put("generatedAt", Instant.now().toString())
        .put("batches", totals.batches())
        .put("readings", totals.readings())
        .put("lastQuarantinedAt", totals.lastQuarantinedAt() == null ? null : totals.lastQuarantinedAt().toString())
        .put("recent", batches);
  }

  static JsonObject quarantinedReadingsJson(long batchId, List<QuarantinedReading> readings) {
    JsonArray rows = new JsonArray();
    for (QuarantinedReading q : readings) {
      rows.add(new JsonObject()
          .put("tagId", q.reading().tagId())
          .put("sourceTime", q.reading().sourceTime().toString())
          .put("serverTime", q.reading().serverTime() == null ? null : q.reading().serverTime().toString())
          .put("value", jsonNumber(q.reading().value()))
          .put("statusCode", q.reading().statusCode())
          .put("sqlState", q.sqlState())
          .put("reason", q.reason()));
    }
    return new JsonObject().put("id", batchId).put("readings", rows);
  }

  static JsonObject latestJson(List<TagSnapshot> snapshots) {
    JsonArray tags = new JsonArray();
    for (TagSnapshot s : snapshots) {
      tags.add(new JsonObject()
          .put("key", s.key())
          .put("kind", s.kind())
          .put("station", s.station())
          .put("equipment", s.equipment())
          .put("tag", s.tag())
          .put("unit", s.unit())
          .put("value", jsonNumber(s.value()))
          .put("text", s.text())
          .put("statusCode", s.statusCode())
          .put("quality", s.statusCode() == null ? null : quality(s.statusCode()))
          .put("sourceTime", s.sourceTime() == null ? null : s.sourceTime().toString())
          .put("serverTime", s.serverTime() == null ? null : s.serverTime().toString())
          .put("lsl", s.lsl())
          .put("usl", s.usl())
          .put("target", s.target())
          .put("subscription", s.subscription())
          .put("detail", s.detail()));
    }
    return new JsonObject().put("generatedAt", Instant.now().toString()).put("tags", tags);
  }

  /** JSON has no NaN or Infinity; they travel as strings so that nothing is silently altered. */
  private static Object jsonNumber(Double v) {
    if (v == null) {
      return null;
    }
    return v.isNaN() || v.isInfinite() ? v.toString() : v;
  }

  private static String quality(long statusCode) {
    return org.pilotline.acquisition.line.Quality.of(statusCode).name();
  }
}
