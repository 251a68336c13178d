package org.pilotline.analytics.spcstream;

/**
 * Counters of the {@link SpcVerticle} since it started.
 *
 * @param readings readings of monitored tags received
 * @param skipped of those, left out: Bad quality, no value, or not finite
 * @param late of those, left out: their time bucket had already been charted
 * @param alarms violations raised (after hold-off)
 * @param heldBack firings not reported because the same rule fired within the hold-off
 * @param stored violations newly written to {@code spc_violation}
 * @param duplicates violations that were already there (a replayed stream)
 * @param lost violations that could not be stored after all retries (still published)
 * @param pending violations waiting for the next write
 */
public record SpcMetrics(long readings, long skipped, long late, long alarms, long heldBack,
    long stored, long duplicates, long lost, long pending) {}
