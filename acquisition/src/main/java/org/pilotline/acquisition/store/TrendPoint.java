package org.pilotline.acquisition.store;

import java.time.Instant;

/**
 * One stored reading of a tag, for a raw trend.
 *
 * @param ts the reading's source time
 * @param value the value, or null; NaN and infinities come back as stored
 * @param qualityCode the full OPC UA StatusCode, unsigned 32 bits
 */
public record TrendPoint(Instant ts, Double value, long qualityCode) {}
