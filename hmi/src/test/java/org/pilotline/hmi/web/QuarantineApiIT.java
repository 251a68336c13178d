package org.pilotline.hmi.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.store.CopyReadingWriter;
import org.pilotline.acquisition.store.JdbcReadingQuarantine;
import org.pilotline.acquisition.store.ReadingWriterVerticle;
import org.pilotline.acquisition.store.WriterConfig;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.TestDatabase;

/** A batch the database refuses is visible through {@code /api/quarantine}, with its reason. */
class QuarantineApiIT {
  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
  private static final HttpClient http = HttpClient.newHttpClient();
  private static TestDatabase.Schema schema;
  private static Vertx vertx;
  private static ApiVerticle api;
  private static ReadingWriterVerticle writer;

  @BeforeAll
  static void start() throws Exception {
    schema = TestDatabase.createMigratedSchema("quarantineapi");
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("alter table reading add constraint plant_value_ceiling check (value is null or value < 1e6)");
    }
    vertx = Vertx.vertx();
    LocalCodecs.register(vertx.eventBus());
    writer = new ReadingWriterVerticle(new CopyReadingWriter(schema.dataSource()), new WriterConfig(100, 20, 1_000));
    await(vertx.deployVerticle(writer));
    api = new ApiVerticle("127.0.0.1", 0, List::of, JsonObject::new, new JdbcReadingQuarantine(schema.dataSource()));
    await(vertx.deployVerticle(api));
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void refusedReadingsAreListedWithReasonTimeAndRows() throws Exception {
    List<Reading> readings = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      readings.add(new Reading(7, T0.plusSeconds(i), null, i == 4 || i == 11 ? 5e9 : i, 0));
    }
    vertx.eventBus().publish(Addresses.READINGS, new ReadingBatch("coater", readings));
    assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(20),
        () -> writer.metrics().committed() + writer.metrics().quarantined() == 20), writer.metrics().toString());

    JsonObject q = get("/api/quarantine");
    assertEquals(1L, q.getLong("batches"), q.encode());
    assertEquals(2L, q.getLong("readings"), q.encode());
    JsonArray recent = q.getJsonArray("recent");
    assertEquals(1, recent.size());
    JsonObject batch = recent.getJsonObject(0);
    assertEquals(2, batch.getInteger("rows"));
    assertEquals(20, batch.getInteger("rowsOffered"));
    assertEquals("23514", batch.getString("sqlState"));
    assertTrue(batch.getString("reason").contains("plant_value_ceiling"), batch.encode());
    assertEquals(T0.plusSeconds(4).toString(), batch.getString("firstSourceTime"));
    assertEquals(T0.plusSeconds(11).toString(), batch.getString("lastSourceTime"));
    assertTrue(Instant.parse(batch.getString("quarantinedAt")).isAfter(Instant.now().minusSeconds(60)));

    JsonArray rows = get("/api/quarantine/" + batch.getLong("id")).getJsonArray("readings");
    assertEquals(2, rows.size());
    assertEquals(5e9, rows.getJsonObject(0).getDouble("value"));
    assertEquals(7, rows.getJsonObject(1).getInteger("tagId"));
  }

  @Test
  void badLimitIsRefusedNamingTheParameter() throws Exception {
    HttpResponse<String> r = send("/api/quarantine?limit=abc");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("limit"), r.body());
  }

  private static JsonObject get(String path) throws Exception {
    HttpResponse<String> r = send(path);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static HttpResponse<String> send(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.actualPort() + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
