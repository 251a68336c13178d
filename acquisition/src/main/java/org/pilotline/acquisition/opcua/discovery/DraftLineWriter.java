package org.pilotline.acquisition.opcua.discovery;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes a discovery result as a draft {@code line.yaml} that {@code LineLoader} accepts.
 *
 * <p>Grouping rule, chosen because PLC address spaces are usually organised machine by machine and
 * a start node can always be given to skip vendor wrapper folders:
 * <ul>
 *   <li>a <b>station</b> per Object (folder) directly below the start node;
 *   <li>an <b>equipment</b> per Object below that; variables deeper down belong to that equipment
 *       and their names are prefixed with the Objects in between ({@code zone1/temperature} becomes
 *       {@code zone1Temperature});
 *   <li>variables that sit in a station's Object itself form an equipment with the station's id;
 *       variables directly below the start node form the station and equipment {@code server}.
 * </ul>
 * Numeric, scalar, readable variables become tags (unit from EngineeringUnits; every other tag
 * setting left to its default); String variables whose name matches the unit-slot pattern become
 * unit slots with a guessed kind and role {@code process}; everything else is listed as a comment.
 * Every equipment gets the browsed endpoint URL. Kinds, roles, sampling, deadbands and spec limits
 * need a human.
 */
public final class DraftLineWriter {
  /** At most this many skipped variables are listed per equipment. */
  static final int MAX_SKIPPED_LISTED = 40;
  static final int MAX_WARNINGS_LISTED = 40;
  private static final Pattern CAMEL_WORDS = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+");

  private DraftLineWriter() {}

  /**
   * The draft and what went into it.
   *
   * @param yaml the file's text
   * @param stations stations written
   * @param equipment equipment written
   * @param tags tags written
   * @param units unit slots written
   * @param skipped variables listed as comments only
   */
  public record Draft(String yaml, int stations, int equipment, int tags, int units, int skipped) {
    public Draft {
      Objects.requireNonNull(yaml, "yaml");
    }
  }

  /**
   * Writes the draft.
   *
   * @param writtenAt the time named in the header
   * @param unitSlotPattern the pattern that picked unit slots, quoted in the header
   */
  public static Draft write(DiscoveryResult result, Pattern unitSlotPattern, Instant writtenAt) {
    Map<List<String>, Group> groups = new LinkedHashMap<>();
    for (DiscoveredVariable v : result.variables()) {
      List<PathElement> p = v.path();
      PathElement station = p.isEmpty() ? null : p.get(0);
      PathElement equipment = p.size() >= 2 ? p.get(1) : station;
      List<String> key = p.isEmpty() ? List.of() : p.size() == 1 ? List.of(p.get(0).browseName())
          : List.of(p.get(0).browseName(), p.get(1).browseName());
      Group g = groups.computeIfAbsent(key, k -> new Group(station, equipment));
      List<String> inner = new ArrayList<>();
      for (int i = 2; i < p.size(); i++) {
        inner.add(p.get(i).browseName());
      }
      inner.add(v.browseName());
      String skip = skipReason(v, unitSlotPattern);
      if (skip != null) {
        g.skipped.add(new Skipped(v, skip));
      } else if (v.valueClass() == DiscoveredVariable.ValueClass.NUMERIC) {
        g.tags.add(new Named(v, DraftNames.lowerCamel(inner, "tag")));
      } else {
        g.units.add(new Named(v, DraftNames.lowerCamel(inner, "unit")));
      }
    }

    StringBuilder y = new StringBuilder();
    header(y, result, unitSlotPattern, writtenAt);
    y.append("name: ").append(quote("Draft from " + result.endpointUrl())).append('\n');
    DraftNames stationIds = new DraftNames();
    DraftNames equipmentIds = new DraftNames();
    // Stations keep the order in which their first variable was found; ids group equipment.
    Map<String, List<Group>> byStation = new LinkedHashMap<>();
    Map<String, String> stationNames = new LinkedHashMap<>();
    Map<String, String> stationIdOf = new LinkedHashMap<>();
    int stations = 0;
    int equipmentCount = 0;
    int tags = 0;
    int units = 0;
    int skipped = 0;
    for (Map.Entry<List<String>, Group> e : groups.entrySet()) {
      Group g = e.getValue();
      skipped += g.skipped.size();
      String stationKey = e.getKey().isEmpty() ? "" : e.getKey().get(0);
      if (!stationIdOf.containsKey(stationKey)) {
        String id = stationIds.claim(g.station == null ? "server"
            : DraftNames.lowerCamel(g.station.browseName(), "station"));
        stationIdOf.put(stationKey, id);
        stationNames.put(id, g.station == null ? "Server " + result.endpointUrl() : g.station.displayName());
      }
      byStation.computeIfAbsent(stationIdOf.get(stationKey), k -> new ArrayList<>()).add(g);
    }
    y.append(byStation.isEmpty() ? "stations: []  # nothing to acquire was found\n" : "stations:\n");
    for (Map.Entry<String, List<Group>> s : byStation.entrySet()) {
      String stationId = s.getKey();
      StringBuilder st = new StringBuilder();
      st.append("  - id: ").append(quote(stationId)).append('\n');
      st.append("    name: ").append(quote(stationNames.get(stationId))).append('\n');
      st.append("    equipment:\n");
      int written = 0;
      for (Group g : s.getValue()) {
        if (g.tags.isEmpty() && g.units.isEmpty()) {
          if (!g.skipped.isEmpty()) {
            String where = g.equipment == null ? "below the start node" : g.equipment.browseName();
            st.append("      # ").append(comment(where)).append(": nothing to acquire\n");
            skippedComments(st, g.skipped);
          }
          continue;
        }
        String equipmentId = equipmentIds.claim(g.equipment == null ? stationId
            : DraftNames.lowerCamel(g.equipment.browseName(), "equipment"));
        written++;
        st.append("      - id: ").append(quote(equipmentId)).append('\n');
        st.append("        endpointUrl: ").append(quote(result.endpointUrl())).append('\n');
        st.append("        security: {policy: None, mode: None}\n");
        if (!g.units.isEmpty()) {
          st.append("        units:\n");
          DraftNames slotNames = new DraftNames();
          for (Named u : g.units) {
            String kind = guessKind(u.variable.browseName());
            st.append("          - name: ").append(quote(slotNames.claim(u.name))).append("  # ")
                .append(comment(u.variable.dataType())).append(kind == null ? "; kind not evident from the name" : "")
                .append('\n');
            st.append("            nodeId: ").append(quote(u.variable.nodeId())).append('\n');
            st.append("            kind: ").append(kind == null ? "cell" : kind).append('\n');
            st.append("            role: process\n");
            units++;
          }
        }
        if (!g.tags.isEmpty()) {
          st.append("        tags:\n");
          DraftNames tagNames = new DraftNames();
          for (Named t : g.tags) {
            st.append("          - name: ").append(quote(tagNames.claim(t.name))).append("  # ")
                .append(comment(t.variable.dataType())).append('\n');
            st.append("            nodeId: ").append(quote(t.variable.nodeId())).append('\n');
            if (t.variable.unit() != null && !t.variable.unit().isEmpty()) {
              st.append("            unit: ").append(quote(t.variable.unit())).append('\n');
            }
            tags++;
          }
        }
        skippedComments(st, g.skipped);
      }
      if (written > 0) {
        stations++;
        equipmentCount += written;
        y.append(st);
      } else {
        y.append("  # station ").append(comment(stationNames.get(stationId))).append(": nothing to acquire\n");
      }
    }
    if (!result.warnings().isEmpty()) {
      y.append("\n# warnings while browsing:\n");
      result.warnings().stream().limit(MAX_WARNINGS_LISTED).forEach(w -> y.append("#   ").append(comment(w)).append('\n'));
      if (result.warnings().size() > MAX_WARNINGS_LISTED) {
        y.append("#   ... and ").append(result.warnings().size() - MAX_WARNINGS_LISTED).append(" more\n");
      }
    }
    return new Draft(y.toString(), stations, equipmentCount, tags, units, skipped);
  }

  private static void header(StringBuilder y, DiscoveryResult r, Pattern unitSlotPattern, Instant writtenAt) {
    List<String> limits = r.limitsHit();
    y.append("# DRAFT line.yaml written by `pilotline discover`: a starting point, review it before use.\n");
    y.append("# endpoint:   ").append(comment(r.endpointUrl())).append(" (security ").append(comment(r.security()))
        .append(")\n");
    y.append("# written:    ").append(writtenAt.truncatedTo(ChronoUnit.SECONDS)).append("; browsing took ")
        .append(String.format(Locale.ROOT, "%.1f s", r.elapsed().toMillis() / 1000.0)).append('\n');
    y.append("# start node: ").append(comment(r.startNode())).append("; ").append(r.nodesVisited())
        .append(" nodes visited (node limit ").append(r.maxNodes()).append(", depth limit ").append(r.maxDepth())
        .append("), ").append(r.variables().size()).append(" variables\n");
    if (limits.isEmpty()) {
      y.append("# limits hit: none, the address space below the start node was browsed completely\n");
    } else {
      for (String l : limits) {
        y.append("# LIMIT HIT:  ").append(comment(l)).append('\n');
      }
    }
    y.append("#\n");
    y.append("# Grouping: a station per Object (folder) directly below the start node, an equipment per\n");
    y.append("# Object below that; deeper variables join that equipment, named with the Objects in between.\n");
    y.append("# Variables in a station's own Object form an equipment of the station's id; variables right\n");
    y.append("# below the start node form station and equipment \"server\". Every equipment uses the\n");
    y.append("# endpoint browsed. Ids and names are lowerCamel browse names, made unique with _2, _3 ...\n");
    y.append("# Tags: numeric, scalar, readable variables; the comment after a name is the data type; unit\n");
    y.append("# from the EngineeringUnits property; samplingMs, queueSize, deadband and spec are defaults:\n");
    y.append("# set them. Units: String variables whose browse name matches /")
        .append(comment(unitSlotPattern.pattern())).append("/.\n");
    y.append("# A HUMAN MUST REVIEW every unit slot: the kind is guessed from the name (cell when it does\n");
    y.append("# not say) and every role is process; input slots (material fed in) must become role input,\n");
    y.append("# and tags measuring another slot's unit need `slot:`. Skipped variables are listed as comments.\n");
    y.append('\n');
  }

  private static void skippedComments(StringBuilder st, List<Skipped> skipped) {
    if (skipped.isEmpty()) {
      return;
    }
    st.append("        # not acquired:\n");
    skipped.stream().limit(MAX_SKIPPED_LISTED).forEach(s -> st.append("        #   ")
        .append(comment(s.variable.browseName())).append(" (").append(comment(s.reason)).append("): ")
        .append(comment(s.variable.nodeId())).append('\n'));
    if (skipped.size() > MAX_SKIPPED_LISTED) {
      st.append("        #   ... and ").append(skipped.size() - MAX_SKIPPED_LISTED).append(" more\n");
    }
  }

  /** Why a variable is neither a tag nor a unit slot, or null when it is one of them. */
  static String skipReason(DiscoveredVariable v, Pattern unitSlotPattern) {
    if (!v.readable()) {
      return v.dataType() + ", not readable";
    }
    if (!v.scalar()) {
      return v.dataType() + " array";
    }
    return switch (v.valueClass()) {
      case NUMERIC -> null;
      case TEXT -> isUnitSlotName(v.browseName(), unitSlotPattern) ? null : v.dataType();
      case OTHER -> v.dataType();
    };
  }

  /** True when the browse name, or one of its '/', '.' or ':' separated parts, contains a match. */
  static boolean isUnitSlotName(String browseName, Pattern pattern) {
    if (pattern.matcher(browseName).find()) {
      return true;
    }
    for (String part : browseName.split("[/.:]")) {
      if (!part.isEmpty() && pattern.matcher(part).find()) {
        return true;
      }
    }
    return false;
  }

  /** cell, roll or lot from the last such word in the name ("batch" is a lot), or null. */
  static String guessKind(String browseName) {
    String kind = null;
    for (String w : CAMEL_WORDS.split(browseName)) {
      switch (w.toLowerCase(Locale.ROOT)) {
        case "cell", "cells" -> kind = "cell";
        case "roll", "rolls", "coil" -> kind = "roll";
        case "lot", "lots", "batch", "batches" -> kind = "lot";
        default -> { }
      }
    }
    return kind;
  }

  /** A YAML double-quoted scalar: every character that could break out or be lost is escaped. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    s.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0xFEFF
              || Character.getType(c) == Character.SURROGATE) {
            sb.append(String.format(Locale.ROOT, "\\u%04X", c));
          } else {
            sb.appendCodePoint(c);
          }
        }
      }
    });
    return sb.append('"').toString();
  }

  /** Text safe inside a one-line YAML comment: line breaks and other controls become blanks. */
  static String comment(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(c -> {
      if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029) {
        sb.append(' ');
      } else {
        sb.appendCodePoint(c);
      }
    });
    return sb.toString();
  }

  private record Named(DiscoveredVariable variable, String name) {}

  private record Skipped(DiscoveredVariable variable, String reason) {}

  private static final class Group {
    final PathElement station;
    final PathElement equipment;
    final List<Named> tags = new ArrayList<>();
    final List<Named> units = new ArrayList<>();
    final List<Skipped> skipped = new ArrayList<>();

    Group(PathElement station, PathElement equipment) {
      this.station = station;
      this.equipment = equipment;
    }
  }
}
