package org.pilotline.hmi.web;

import java.util.List;

/** Where the HMI reads the latest state of every configured tag. Blocking: call it off the event loop. */
public interface LatestValues {
  /** Every configured tag and unit slot, including those that have no value yet. */
  List<TagSnapshot> latest() throws Exception;
}
