package org.pilotline.acquisition.store;

import java.time.Instant;
import org.pilotline.acquisition.line.Quality;

/**
 * The newest reading of one tag, for the HMI.
 *
 * @param tagKey {@code station/equipment/tag}
 * @param ts the reading's source time
 * @param serverTs the OPC UA server's time, or null
 * @param value the value, or null; NaN and infinities come back as stored
 * @param qualityCode the full OPC UA StatusCode, unsigned 32 bits
 */
public record LatestValue(
    int tagId,
    String tagKey,
    String station,
    String equipment,
    String tag,
    String unit,
    Instant ts,
    Instant serverTs,
    Double value,
    long qualityCode,
    Quality quality) {}
