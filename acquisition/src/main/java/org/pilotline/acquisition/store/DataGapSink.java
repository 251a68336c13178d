package org.pilotline.acquisition.store;

import org.pilotline.acquisition.line.DataGap;

/** Where the acquisition's outages are recorded. */
public interface DataGapSink {
  /** Records nothing; for clients whose gaps only need to be logged. */
  DataGapSink NONE = gap -> {};

  /**
   * Records one gap. Recording the same gap (equipment and {@code from}) again changes nothing.
   * Blocking: callers run it off the event loop.
   *
   * @throws Exception when the gap was not recorded
   */
  void record(DataGap gap) throws Exception;
}
