package org.pilotline.acquisition.store;

import java.time.Instant;

/**
 * One minute of one tag's readings, as {@code reading_1m} holds it.
 *
 * <p>The aggregates are PostgreSQL's over the minute's non-null values, so a NaN in the minute
 * makes {@code avg} and {@code max} NaN (PostgreSQL sorts NaN above every number); null values
 * count in {@code sampleCount} only.
 *
 * @param bucket the minute's start (UTC-aligned)
 * @param min smallest value, or null when the minute has no values
 * @param max largest value, or null
 * @param avg mean value, or null
 * @param sampleCount readings in the minute, null values included
 * @param last the value of the minute's newest reading (by source time), possibly null
 */
public record TrendBucket(
    Instant bucket, Double min, Double max, Double avg, long sampleCount, Double last) {}
