package org.pilotline.acquisition.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.pilotline.acquisition.store.EmbeddedDatabase;

/**
 * An embedded PostgreSQL that can be really stopped (the server process ends: {@code pg_ctl stop
 * -m fast}) and started again on the same data directory and port, so that a client's JDBC URL
 * stays valid across the outage. For fault tests and the soak.
 */
public final class RestartableDatabase implements AutoCloseable {
  private final Path dataDirectory;
  private final int port;
  private final String jdbcUrl;
  private EmbeddedDatabase running;

  private RestartableDatabase(EmbeddedDatabase first) {
    this.running = first;
    this.dataDirectory = first.dataDirectory();
    this.port = first.port();
    this.jdbcUrl = first.jdbcUrl();
  }

  /** Starts PostgreSQL on {@code dataDirectory} (initdb on first use) on a free port. */
  public static RestartableDatabase start(Path dataDirectory) throws IOException {
    return new RestartableDatabase(EmbeddedDatabase.start(dataDirectory, 0));
  }

  /** Stops the server; waits until it has. No-op when stopped. */
  public synchronized void stop() {
    if (running != null) {
      running.close();
      running = null;
    }
  }

  /** Starts the server again on the same data directory and port; returns once it accepts connections. */
  public synchronized void restart() throws IOException {
    if (running == null) {
      running = EmbeddedDatabase.start(dataDirectory, port);
    }
  }

  public synchronized boolean isRunning() {
    return running != null;
  }

  /** The same for every start: {@code postgres} database, user {@code postgres}. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Bytes of the files under the data directory now. */
  public long diskBytes() {
    return directoryBytes(dataDirectory);
  }

  @Override
  public void close() {
    stop();
  }

  /** Bytes of the regular files under {@code dir}; files that vanish while walked are skipped. */
  static long directoryBytes(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.mapToLong(f -> {
        try {
          return Files.isRegularFile(f) ? Files.size(f) : 0;
        } catch (NoSuchFileException e) {
          return 0;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof NoSuchFileException) {
        return 0;
      }
      throw e;
    }
  }
}
