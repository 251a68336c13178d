package org.pilotline.analytics.spcstream;

import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.pilotline.acquisition.store.ReadingQueries;
import org.pilotline.acquisition.store.TrendPoint;

/** Stored readings of a tag, for limits taken from a stored baseline window. */
public interface BaselineSource {
  /** Readings with source times in [{@code from}, {@code to}), oldest first. Blocking. */
  List<TrendPoint> readings(int tagId, Instant from, Instant to) throws Exception;

  /** The {@code reading} table (at most {@link ReadingQueries#MAX_TREND_POINTS} readings a tag). */
  static BaselineSource of(DataSource dataSource) {
    return (tagId, from, to) -> ReadingQueries.trend(dataSource, tagId, from, to);
  }

  /** For configurations without stored baselines. */
  BaselineSource NONE = (tagId, from, to) -> {
    throw new IllegalStateException("no stored readings available for a stored baseline");
  };
}
