package org.pilotline.analytics.training;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link TrainingExclusions} from the database:
 * <ul>
 *   <li>known bad: any {@code process_window} of the cell whose {@code result} is set and is not
 *       {@code OK} (case-insensitive). A window without a result (still open, or a station that
 *       reports none) says nothing either way;</li>
 *   <li>flagged: any {@code anomaly} on the cell, open or acknowledged, or a NOK
 *       {@code cell_verdict}. Acknowledged ones too: an acknowledgement records that someone
 *       looked, not that the cell was normal.</li>
 * </ul>
 */
public final class JdbcTrainingExclusions implements TrainingExclusions {
  private static final String QUERY = """
      select unit_id, 0 from process_window
       where unit_kind = 'CELL' and unit_id = any(?) and result is not null
         and upper(result) <> 'OK'
      union all
      select subject_id, 1 from anomaly where subject_kind = 'CELL' and subject_id = any(?)
      union all
      select cell_id, 1 from cell_verdict where not ok and cell_id = any(?)""";

  private final DataSource dataSource;

  public JdbcTrainingExclusions(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public Map<String, String> excluded(Collection<String> cellIds) {
    Map<String, String> out = new HashMap<>();
    if (cellIds.isEmpty()) {
      return out;
    }
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(QUERY)) {
      Array ids = c.createArrayOf("text", cellIds.toArray());
      ps.setArray(1, ids);
      ps.setArray(2, ids);
      ps.setArray(3, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String reason = rs.getInt(2) == 0 ? KNOWN_BAD : FLAGGED;
          out.merge(rs.getString(1), reason, (a, b) -> a.equals(KNOWN_BAD) ? a : b);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("training exclusions: " + cellIds.size() + " cells: "
          + e.getMessage(), e);
    }
    return out;
  }
}
