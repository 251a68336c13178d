package org.pilotline.acquisition.store;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Hands out one borrowed connection again and again; {@code close()} on what it hands out does
 * nothing, the owner closes the real connection.
 *
 * <p>Flyway opens a second connection while it holds the first. Through this data source it
 * runs on one, so migrating works with a pool of one and with servers that serve one connection
 * at a time (the PGlite TimescaleDB build of the test lane). Not thread-safe: one caller.
 */
final class SingleConnectionDataSource implements DataSource {
  private final Connection connection;
  private final Connection unclosable;

  SingleConnectionDataSource(Connection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.unclosable = (Connection) Proxy.newProxyInstance(
        Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          if (method.getName().equals("close") && method.getParameterCount() == 0) {
            return null;
          }
          try {
            return method.invoke(this.connection, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (connection.isClosed()) {
      throw new SQLException("the borrowed connection is closed");
    }
    return unclosable;
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // no logging of its own
  }

  @Override
  public void setLoginTimeout(int seconds) {
    // the connection is already open
  }

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
