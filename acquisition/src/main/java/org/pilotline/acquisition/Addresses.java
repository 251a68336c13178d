package org.pilotline.acquisition;

/** Event-bus addresses of the acquisition module. */
public final class Addresses {
  /** {@link org.pilotline.acquisition.line.ReadingBatch}es from the equipment clients to the writer. */
  public static final String READINGS = "pilotline.acquisition.readings";
  /** {@link org.pilotline.acquisition.line.CellEvent}s: a station's current-unit node changed. */
  public static final String CELL_EVENTS = "pilotline.acquisition.cellEvents";
  /** {@link org.pilotline.acquisition.line.TagStatus} changes: a tag subscribed, or failed to. */
  public static final String TAG_STATUS = "pilotline.acquisition.tagStatus";

  /**
   * A cell finished its route: its window at the route's last station (EOL) closed. JSON
   * {@code {"cellId": "...", "completedAt": "<ISO-8601>"}}, published once the window is stored.
   */
  public static final String CELL_COMPLETED = "pilotline.acquisition.cellCompleted";

  private Addresses() {}
}
