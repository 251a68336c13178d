package org.pilotline.hmi.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.store.LatestValue;
import org.pilotline.acquisition.store.ReadingQueries;

/**
 * The latest stored reading of every configured tag, joined with its subscription state, and
 * the unit each slot holds. Tags without readings are listed too, with empty values, so that a
 * tag that never delivered is visible rather than missing.
 */
public final class JdbcLatestValues implements LatestValues {
  private final DataSource dataSource;
  private final Line line;
  private final Supplier<Map<String, TagStatus>> tagStatuses;
  private final UnitSlotCache units;

  public JdbcLatestValues(
      DataSource dataSource, Line line, Supplier<Map<String, TagStatus>> tagStatuses, UnitSlotCache units) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.line = Objects.requireNonNull(line, "line");
    this.tagStatuses = Objects.requireNonNull(tagStatuses, "tagStatuses");
    this.units = Objects.requireNonNull(units, "units");
  }

  @Override
  public List<TagSnapshot> latest() throws Exception {
    Map<String, LatestValue> stored = ReadingQueries.latestPerTag(dataSource).stream()
        .collect(Collectors.toMap(LatestValue::tagKey, Function.identity()));
    Map<String, TagStatus> statuses = tagStatuses.get();
    List<TagSnapshot> out = new ArrayList<>();
    for (Station s : line.stations()) {
      for (Equipment e : s.equipment()) {
        for (UnitNode u : e.units()) {
          String key = s.id() + "/" + e.id() + "/unit/" + u.name();
          var state = units.get(e.id(), u.name());
          TagStatus status = statuses.get(key);
          out.add(new TagSnapshot(key, "unit", s.id(), e.id(), u.name(), u.kind().name().toLowerCase(),
              null, state.map(UnitSlotCache.SlotState::unit).orElse(null), null,
              state.map(UnitSlotCache.SlotState::changedAt).orElse(null), null, null, null, null,
              subscription(status), status == null ? "" : status.detail()));
        }
        for (Tag t : e.tags()) {
          String key = s.id() + "/" + e.id() + "/" + t.name();
          LatestValue v = stored.get(key);
          TagStatus status = statuses.get(key);
          SpecLimits spec = t.spec();
          out.add(new TagSnapshot(key, "process", s.id(), e.id(), t.name(), t.unit(),
              v == null ? null : v.value(), null, v == null ? null : v.qualityCode(),
              v == null ? null : v.ts(), v == null ? null : v.serverTs(),
              spec.lsl(), spec.usl(), spec.target(),
              subscription(status), status == null ? "" : status.detail()));
        }
      }
    }
    return out;
  }

  private static String subscription(TagStatus status) {
    if (status == null) {
      return "pending";
    }
    return status.ok() ? "ok" : "failed";
  }
}
