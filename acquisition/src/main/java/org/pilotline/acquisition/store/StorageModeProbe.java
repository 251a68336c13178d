package org.pilotline.acquisition.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Finds out whether the server can run TimescaleDB. */
public final class StorageModeProbe {
  private StorageModeProbe() {}

  /**
   * What the server offers.
   *
   * @param mode TIMESCALEDB when the extension is available (installed or installable)
   * @param extensionVersion the installed version, else the version that would be installed, or
   *     null in plain mode
   */
  public record Result(StorageMode mode, String extensionVersion) {}

  public static Result probe(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select installed_version, default_version from pg_available_extensions where name = ?")) {
      ps.setString(1, "timescaledb");
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return new Result(StorageMode.PLAIN, null);
        }
        String installed = rs.getString(1);
        return new Result(StorageMode.TIMESCALEDB, installed != null ? installed : rs.getString(2));
      }
    }
  }
}
