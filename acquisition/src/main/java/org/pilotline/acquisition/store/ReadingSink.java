package org.pilotline.acquisition.store;

import java.util.List;
import org.pilotline.acquisition.line.Reading;

/** Where readings are made durable. */
public interface ReadingSink {
  /**
   * Stores all readings, or none: the call either returns after they are committed or throws.
   *
   * @throws Exception when nothing was stored; the caller may retry the same list
   */
  void write(List<Reading> readings) throws Exception;
}
