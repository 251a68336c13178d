package org.pilotline.acquisition.line;

import java.util.Objects;

/**
 * Whether one tag is being acquired. A failed tag does not stop the others.
 *
 * @param key the tag's {@link TagRef#key()}
 * @param ok true when its monitored item was created
 * @param detail the reason when it failed ("BadNodeIdUnknown"), else empty
 */
public record TagStatus(String key, boolean ok, String detail) {
  public TagStatus {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(detail, "detail");
  }
}
