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

  /**
   * Bytes of the regular files under {@code dir}. A running server creates and deletes files as
   * it goes: a file gone before its size is read counts 0, a folder gone while walked restarts
   * the walk (at most three times).
   */
  static long directoryBytes(Path dir) {
    for (int attempt = 1; ; attempt++) {
      if (!Files.isDirectory(dir)) {
        return 0;
      }
      try (Stream<Path> files = Files.walk(dir)) {
        return files.mapToLong(RestartableDatabase::sizeOrZero).sum();
      } catch (IOException | UncheckedIOException e) {
        if (attempt == 3) {
          throw new UncheckedIOException("cannot measure " + dir,
              e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
      }
    }
  }

  private static long sizeOrZero(Path f) {
    try {
      return Files.isRegularFile(f) ? Files.size(f) : 0;
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
