package org.pilotline.analytics.spcstream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/** {@link SpcViolationStore} on the {@code spc_violation} table. */
public final class JdbcSpcViolationStore implements SpcViolationStore {
  // One statement per batch: unnest turns the parallel arrays into rows; the unique key
  // (tag_id, rule, ts) drops what is already there, and the join hands back which input row
  // each new id belongs to.
  private static final String INSERT = """
      with input as (
        select * from unnest(?::int[], ?::text[], ?::text[], ?::float8[], ?::text[], ?::text[])
               with ordinality as t(tag_id, ts, rule, value, detail, detected_at, n)
      ), added as (
        insert into spc_violation (tag_id, ts, rule, value, detail, detected_at)
        select tag_id, ts::timestamptz, rule, value, detail::jsonb, detected_at::timestamptz
          from input
         order by n
        on conflict on constraint spc_violation_once do nothing
        returning id, tag_id, rule, ts
      )
      select input.n, added.id
        from added
        join input on input.tag_id = added.tag_id and input.rule = added.rule
                  and input.ts::timestamptz = added.ts
       order by input.n""";

  private final DataSource dataSource;

  public JdbcSpcViolationStore(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public List<SpcViolation> store(List<SpcViolation> violations) throws SQLException {
    // The same key twice in one statement would be inserted once but matched twice.
    Map<String, SpcViolation> unique = new LinkedHashMap<>();
    for (SpcViolation v : violations) {
      unique.putIfAbsent(v.tagId() + "|" + v.alarm().rule() + "|" + micros(v.alarm().time()), v);
    }
    List<SpcViolation> rows = new ArrayList<>(unique.values());
    if (rows.isEmpty()) {
      return List.of();
    }
    int n = rows.size();
    Integer[] tag = new Integer[n];
    String[] ts = new String[n];
    String[] rule = new String[n];
    Double[] value = new Double[n];
    String[] detail = new String[n];
    String[] detected = new String[n];
    for (int i = 0; i < n; i++) {
      SpcViolation v = rows.get(i);
      tag[i] = v.tagId();
      ts[i] = v.alarm().time().toString();
      rule[i] = v.alarm().rule();
      value[i] = v.alarm().value();
      detail[i] = SpcViolationJson.detail(v).encode();
      detected[i] = v.detectedAt().toString();
    }
    Map<Long, Long> ids = new HashMap<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
      ps.setArray(1, c.createArrayOf("int4", tag));
      ps.setArray(2, c.createArrayOf("text", ts));
      ps.setArray(3, c.createArrayOf("text", rule));
      ps.setArray(4, c.createArrayOf("float8", value));
      ps.setArray(5, c.createArrayOf("text", detail));
      ps.setArray(6, c.createArrayOf("text", detected));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.put(rs.getLong(1), rs.getLong(2));
        }
      }
    }
    List<SpcViolation> added = new ArrayList<>(ids.size());
    for (int i = 0; i < n; i++) {
      Long id = ids.get((long) i + 1);
      if (id != null) {
        added.add(rows.get(i).withId(id));
      }
    }
    return added;
  }

  /** PostgreSQL keeps microseconds: two times within one microsecond are one key. */
  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + Math.round(t.getNano() / 1000.0);
  }
}
