package org.pilotline.analytics.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.pilotline.analytics.feature.FeatureSchema;
import org.pilotline.analytics.feature.FeatureSchema.Exposure;
import org.pilotline.analytics.feature.FeatureSchema.Formation;
import org.pilotline.analytics.feature.FeatureSchema.Pressure;
import org.pilotline.analytics.feature.FeatureSchema.Stat;
import org.pilotline.analytics.feature.FeatureSchema.Summary;

/**
 * Which tag group (station) each feature comes from, read from the feature schema: a summary from
 * its tag's station, the exposure integrals from the dew-point tag's station (the dry room), the
 * press and stack-pressure features from their tags' stations, formation from the capacity tag's,
 * a test result from its tag's. A root cause is right when the top feature's group is a station
 * where an injected fault acted.
 */
public final class FeatureGroups {
  private final Map<String, String> groupOf;
  private final FeatureSchema schema;

  private FeatureGroups(FeatureSchema schema, Map<String, String> groupOf) {
    this.schema = schema;
    this.groupOf = groupOf;
  }

  public static FeatureGroups of(FeatureSchema schema) {
    Map<String, String> g = new LinkedHashMap<>();
    for (Summary s : schema.summaries()) {
      for (Stat stat : s.stats()) {
        g.put(s.name() + "." + stat.label(), s.tag().station());
      }
    }
    String dryRoom = schema.exposure().dewPoint().station();
    g.put(Exposure.HOURS, dryRoom);
    g.put(Exposure.DEW_POINT_EXCESS, dryRoom);
    g.put(Exposure.H2S, schema.exposure().h2s().station());
    g.put(Pressure.PEAK, schema.pressure().isostatic().station());
    g.put(Pressure.HOLD, schema.pressure().isostatic().station());
    g.put(Pressure.STACK_MEAN, schema.pressure().stackPressure().station());
    g.put(Pressure.STACK_STD, schema.pressure().stackPressure().station());
    g.put(Formation.CAPACITY, schema.formation().capacity().station());
    g.put(Formation.FIRST_CYCLE_CE, schema.formation().capacity().station());
    schema.results().forEach(r -> g.put(r.name(), r.tag().station()));
    for (String name : schema.featureNames()) {
      if (!g.containsKey(name)) {
        throw new IllegalStateException("feature " + name + " has no tag group");
      }
    }
    return new FeatureGroups(schema, Map.copyOf(g));
  }

  /** The station a feature comes from. */
  public String group(String feature) {
    String g = groupOf.get(feature);
    if (g == null) {
      throw new IllegalArgumentException("unknown feature " + feature);
    }
    return g;
  }

  /**
   * The feature that follows a tag's level: the mean summary of {@code station.tag} (a slot
   * pattern matches any slot), if the schema has one.
   */
  public Optional<String> levelFeature(String stationDotTag) {
    int dot = stationDotTag.indexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String station = stationDotTag.substring(0, dot);
    String tag = stationDotTag.substring(dot + 1);
    for (Summary s : schema.summaries()) {
      if (s.tag().station().equals(station) && s.tag().name().equals(tag) && s.stats().contains(Stat.MEAN)) {
        return Optional.of(s.name() + "." + Stat.MEAN.label());
      }
    }
    return Optional.empty();
  }
}
