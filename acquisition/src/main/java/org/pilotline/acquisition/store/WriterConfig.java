package org.pilotline.acquisition.store;

/**
 * Settings of {@link ReadingWriterVerticle} ({@code writer} in application.yaml).
 *
 * @param batchRows a COPY is sent when this many readings are waiting...
 * @param flushMs ...or when the oldest waiting reading has waited this long, whichever is first
 * @param queueCapacity readings held in memory at most; more are dropped (and counted)
 */
public record WriterConfig(int batchRows, long flushMs, int queueCapacity) {
  public static final WriterConfig DEFAULTS = new WriterConfig(5_000, 250, 500_000);

  public WriterConfig {
    if (batchRows < 1) {
      throw new IllegalArgumentException("batchRows must be >= 1: " + batchRows);
    }
    if (flushMs < 1) {
      throw new IllegalArgumentException("flushMs must be >= 1: " + flushMs);
    }
    if (queueCapacity < batchRows) {
      throw new IllegalArgumentException(
          "queueCapacity must be >= batchRows: " + queueCapacity + " < " + batchRows);
    }
  }
}
