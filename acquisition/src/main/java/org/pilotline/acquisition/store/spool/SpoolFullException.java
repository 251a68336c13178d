package org.pilotline.acquisition.store.spool;

/** Thrown by {@link ReadingSpool#append} when the spool is at its cap and refuses appends. */
public final class SpoolFullException extends Exception {
  public SpoolFullException(String message) {
    super(message);
  }
}
