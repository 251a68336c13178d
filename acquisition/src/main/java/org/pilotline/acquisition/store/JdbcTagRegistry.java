package org.pilotline.acquisition.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.TagRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the {@code tag} table in step with the line model. */
public final class JdbcTagRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcTagRegistry.class);
  // One statement for all tags: unnest turns the parallel arrays into rows.
  private static final String UPSERT = """
      insert into tag (station, equipment, name, node_id, unit, lsl, usl, target)
      select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                           ?::float8[], ?::float8[], ?::float8[])
      on conflict (station, equipment, name) do update
         set node_id = excluded.node_id, unit = excluded.unit,
             lsl = excluded.lsl, usl = excluded.usl, target = excluded.target
      returning id, station, equipment, name""";

  private JdbcTagRegistry() {}

  /**
   * Inserts or updates every tag of the line (node id, unit and limits follow the model) in one
   * transaction. Tags no longer in the model are kept: old readings still point at them.
   * Blocking.
   *
   * @return tag key ({@code station/equipment/tag}, see {@link TagRef#key()}) to database id,
   *     in the line's order
   */
  public static Map<String, Integer> register(DataSource dataSource, Line line) throws SQLException {
    List<TagRef> refs = line.tagRefs().toList();
    int n = refs.size();
    String[] station = new String[n];
    String[] equipment = new String[n];
    String[] name = new String[n];
    String[] nodeId = new String[n];
    String[] unit = new String[n];
    Double[] lsl = new Double[n];
    Double[] usl = new Double[n];
    Double[] target = new Double[n];
    for (int i = 0; i < n; i++) {
      TagRef r = refs.get(i);
      station[i] = r.stationId();
      equipment[i] = r.equipmentId();
      name[i] = r.tag().name();
      nodeId[i] = r.tag().nodeId();
      unit[i] = r.tag().unit();
      lsl[i] = r.tag().spec().lsl();
      usl[i] = r.tag().spec().usl();
      target[i] = r.tag().spec().target();
    }
    Map<String, Integer> byKey = new java.util.HashMap<>();
    if (n > 0) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
          Array[] arrays = {
              c.createArrayOf("text", station), c.createArrayOf("text", equipment),
              c.createArrayOf("text", name), c.createArrayOf("text", nodeId),
              c.createArrayOf("text", unit), c.createArrayOf("float8", lsl),
              c.createArrayOf("float8", usl), c.createArrayOf("float8", target)};
          for (int i = 0; i < arrays.length; i++) {
            ps.setArray(i + 1, arrays[i]);
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              byKey.put(rs.getString(2) + "/" + rs.getString(3) + "/" + rs.getString(4), rs.getInt(1));
            }
          }
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      }
    }
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (TagRef r : refs) {
      Integer id = byKey.get(r.key());
      if (id == null) {
        throw new SQLException("tag upsert returned no id for " + r.key());
      }
      ids.put(r.key(), id);
    }
    LOG.info("tags registered: line={}, tags={}", line.name(), ids.size());
    return ids;
  }
}
