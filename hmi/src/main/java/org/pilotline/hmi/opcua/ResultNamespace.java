package org.pilotline.hmi.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.analytics.anomaly.Anomaly;
import org.pilotline.analytics.anomaly.CellVerdict;

/**
 * The result server's address space, in namespace {@value ResultServer#NAMESPACE_URI}; every
 * NodeId is {@code s=<path>} with the path below (browse names are the last path element):
 *
 * <pre>
 * Objects/
 *   Line/                                  (folder)
 *     LatestVerdict/                       the line's last verdict, whatever its route
 *       CellId String, Verdict String (OK|NOK), Score Double, Threshold Double,
 *       TopCause String, AnomalyId Int64 (0 when OK), At DateTime (scored at)
 *     Stations/                            (folder)
 *       &lt;station id&gt;/                       one object per station of line.yaml
 *         State String (OFFLINE|DEGRADED|IDLE|PROCESSING), StateDetail String, CurrentUnit String
 *         LatestVerdict/                   as above, for the last cell whose route passed here
 *   Anomalies/                             (folder) the newest open anomalies, at most maxAnomalies
 *     Count Int32, OpenIds Int64[] (newest first)
 *     AcknowledgeAnomaly(Id Int64, Comment String)   method
 *     &lt;id&gt;/                                 one object per open anomaly
 *       Id Int64, Cell String, Score Double, Threshold Double, TopCause String,
 *       DetectedAt DateTime, Model String ("PCA v3")
 * </pre>
 *
 * Verdict variables read Bad_WaitingForInitialData until the first verdict after the start. All
 * changes after the start happen on the result server's event loop.
 */
final class ResultNamespace extends ManagedNamespaceWithLifecycle {
  static final String LINE = "Line";
  static final String STATIONS = "Line/Stations";
  static final String ANOMALIES = "Anomalies";
  static final String METHOD = "Anomalies/AcknowledgeAnomaly";
  private static final Comparator<Anomaly> NEWEST_FIRST =
      Comparator.comparing(Anomaly::detectedAt).thenComparingLong(Anomaly::id).reversed();

  private final SubscriptionModel subscriptionModel;
  private final Line line;
  private final int maxAnomalies;
  private final AcknowledgeMethod.Acknowledger acknowledger;
  private final Map<String, UaVariableNode> variables = new LinkedHashMap<>();
  /** Shown anomalies by id, with their object node. */
  private final Map<Long, Shown> shown = new TreeMap<>();
  private UaFolderNode anomaliesFolder;

  private record Shown(Anomaly anomaly, UaObjectNode object, List<UaVariableNode> children) {}

  ResultNamespace(OpcUaServer server, Line line, int maxAnomalies, AcknowledgeMethod.Acknowledger acknowledger) {
    super(server, ResultServer.NAMESPACE_URI);
    this.line = line;
    this.maxAnomalies = maxAnomalies;
    this.acknowledger = acknowledger;
    subscriptionModel = new SubscriptionModel(server, this);
    getLifecycleManager().addLifecycle(subscriptionModel);
    getLifecycleManager().addStartupTask(this::createNodes);
  }

  private void createNodes() {
    UaFolderNode lineFolder = folder(LINE, null);
    verdictObject(LINE + "/LatestVerdict", lineFolder);
    UaFolderNode stations = folder(STATIONS, lineFolder);
    for (Station s : line.stations()) {
      String base = STATIONS + "/" + s.id();
      UaObjectNode station = object(base, s.id(), stations);
      station.setDescription(LocalizedText.english(s.name()));
      addVariable(base + "/State", NodeIds.String, station, new Variant("OFFLINE"));
      addVariable(base + "/StateDetail", NodeIds.String, station, new Variant("not started"));
      addVariable(base + "/CurrentUnit", NodeIds.String, station, new Variant(""));
      verdictObject(base + "/LatestVerdict", station);
    }

    anomaliesFolder = folder(ANOMALIES, null);
    addVariable(ANOMALIES + "/Count", NodeIds.Int32, anomaliesFolder, new Variant(0));
    UaVariableNode ids = addVariable(ANOMALIES + "/OpenIds", NodeIds.Int64, anomaliesFolder, new Variant(new Long[0]));
    ids.setValueRank(ValueRanks.OneDimension);
    ids.setArrayDimensions(new UInteger[] {uint(0)});

    UaMethodNode method = UaMethodNode.builder(getNodeContext())
        .setNodeId(newNodeId(METHOD))
        .setBrowseName(newQualifiedName("AcknowledgeAnomaly"))
        .setDisplayName(LocalizedText.english("AcknowledgeAnomaly"))
        .setDescription(LocalizedText.english("Acknowledges an open anomaly; engineers only"))
        .build();
    AcknowledgeMethod handler = new AcknowledgeMethod(method, acknowledger);
    method.setInputArguments(handler.getInputArguments());
    method.setOutputArguments(handler.getOutputArguments());
    method.setInvocationHandler(handler);
    getNodeManager().addNode(method);
    anomaliesFolder.addComponent(method);
  }

  // ------------------------------------------------------------------ updates

  void showVerdict(CellVerdict v) {
    writeVerdict(LINE + "/LatestVerdict", v);
    for (String station : v.stations()) {
      if (line.station(station).isPresent()) {
        writeVerdict(STATIONS + "/" + station + "/LatestVerdict", v);
      }
    }
  }

  void showStates(List<StationState> states) {
    for (StationState s : states) {
      String base = STATIONS + "/" + s.stationId();
      setIfChanged(base + "/State", s.state().name());
      setIfChanged(base + "/StateDetail", s.detail());
      setIfChanged(base + "/CurrentUnit", s.currentUnit());
    }
  }

  int anomalyCount() {
    return shown.size();
  }

  /** Adds one open anomaly, dropping the oldest beyond maxAnomalies. */
  void showAnomaly(Anomaly a) {
    if (shown.containsKey(a.id())) {
      return;
    }
    List<Anomaly> all = new ArrayList<>(shown.values().stream().map(Shown::anomaly).toList());
    all.add(a);
    showOpenAnomalies(all);
  }

  /** Removes an anomaly; false when it was not shown. */
  boolean removeAnomaly(long id) {
    Shown s = shown.remove(id);
    if (s == null) {
      return false;
    }
    delete(s);
    writeIndex();
    return true;
  }

  /** Shows exactly the newest maxAnomalies of {@code open}. */
  void showOpenAnomalies(List<Anomaly> open) {
    List<Anomaly> keep = open.stream().sorted(NEWEST_FIRST).limit(maxAnomalies).toList();
    java.util.Set<Long> keepIds = new java.util.HashSet<>();
    keep.forEach(a -> keepIds.add(a.id()));
    for (Long id : List.copyOf(shown.keySet())) {
      if (!keepIds.contains(id)) {
        delete(shown.remove(id));
      }
    }
    for (Anomaly a : keep) {
      if (!shown.containsKey(a.id())) {
        shown.put(a.id(), create(a));
      }
    }
    writeIndex();
  }

  private Shown create(Anomaly a) {
    String base = ANOMALIES + "/" + a.id();
    UaObjectNode object = object(base, String.valueOf(a.id()), anomaliesFolder);
    object.setDisplayName(LocalizedText.english("Anomaly " + a.id() + " (" + a.subjectId() + ")"));
    List<UaVariableNode> children = new ArrayList<>();
    children.add(addVariable(base + "/Id", NodeIds.Int64, object, new Variant(a.id())));
    children.add(addVariable(base + "/Cell", NodeIds.String, object, new Variant(a.subjectId())));
    children.add(addVariable(base + "/Score", NodeIds.Double, object, new Variant(a.score())));
    children.add(addVariable(base + "/Threshold", NodeIds.Double, object, new Variant(a.threshold())));
    children.add(addVariable(base + "/TopCause", NodeIds.String, object,
        new Variant(a.topCause() == null ? "" : a.topCause())));
    children.add(addVariable(base + "/DetectedAt", NodeIds.DateTime, object, new Variant(new DateTime(a.detectedAt()))));
    children.add(addVariable(base + "/Model", NodeIds.String, object,
        new Variant(a.modelKind() + " v" + a.modelVersion())));
    return new Shown(a, object, children);
  }

  private void delete(Shown s) {
    for (UaVariableNode v : s.children()) {
      variables.remove(path(v.getNodeId()));
      s.object().removeComponent(v);
      v.delete();
    }
    anomaliesFolder.removeOrganizes(s.object());
    s.object().delete();
  }

  private void writeIndex() {
    Long[] ids = shown.values().stream().map(Shown::anomaly).sorted(NEWEST_FIRST).map(Anomaly::id).toArray(Long[]::new);
    set(ANOMALIES + "/Count", new Variant(ids.length));
    set(ANOMALIES + "/OpenIds", new Variant(ids));
  }

  private void writeVerdict(String base, CellVerdict v) {
    set(base + "/CellId", new Variant(v.cellId()));
    set(base + "/Verdict", new Variant(v.ok() ? "OK" : "NOK"));
    set(base + "/Score", new Variant(v.score()));
    set(base + "/Threshold", new Variant(v.threshold()));
    set(base + "/TopCause", new Variant(v.topCause() == null ? "" : v.topCause()));
    set(base + "/AnomalyId", new Variant(v.anomalyId() == null ? 0L : v.anomalyId()));
    // Last, so that a client watching At finds the rest of the verdict already in place.
    set(base + "/At", new Variant(new DateTime(v.scoredAt())));
  }

  // ------------------------------------------------------------------ nodes

  private void verdictObject(String base, UaNode parent) {
    UaObjectNode verdict = object(base, "LatestVerdict", parent);
    addVariable(base + "/CellId", NodeIds.String, verdict, null);
    addVariable(base + "/Verdict", NodeIds.String, verdict, null);
    addVariable(base + "/Score", NodeIds.Double, verdict, null);
    addVariable(base + "/Threshold", NodeIds.Double, verdict, null);
    addVariable(base + "/TopCause", NodeIds.String, verdict, null);
    addVariable(base + "/AnomalyId", NodeIds.Int64, verdict, null);
    addVariable(base + "/At", NodeIds.DateTime, verdict, null);
  }

  private UaFolderNode folder(String path, UaFolderNode parent) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    UaFolderNode folder = new UaFolderNode(getNodeContext(), newNodeId(path), newQualifiedName(name),
        LocalizedText.english(name));
    getNodeManager().addNode(folder);
    if (parent == null) {
      folder.addReference(new Reference(folder.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
    } else {
      parent.addOrganizes(folder);
    }
    return folder;
  }

  private UaObjectNode object(String path, String name, UaNode parent) {
    UaObjectNode object = UaObjectNode.builder(getNodeContext())
        .setNodeId(newNodeId(path))
        .setBrowseName(newQualifiedName(name))
        .setDisplayName(LocalizedText.english(name))
        .setTypeDefinition(NodeIds.BaseObjectType)
        .build();
    getNodeManager().addNode(object);
    if (parent instanceof UaFolderNode f) {
      f.addOrganizes(object);
    } else {
      ((UaObjectNode) parent).addComponent(object);
    }
    return object;
  }

  /** A read-only variable; a null initial value reads Bad_WaitingForInitialData. */
  private UaVariableNode addVariable(String path, NodeId dataType, UaObjectNode parent, Variant initial) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
        .setNodeId(newNodeId(path))
        .setAccessLevel(AccessLevel.READ_ONLY)
        .setUserAccessLevel(AccessLevel.READ_ONLY)
        .setBrowseName(newQualifiedName(name))
        .setDisplayName(LocalizedText.english(name))
        .setDataType(dataType)
        .setTypeDefinition(NodeIds.BaseDataVariableType)
        .build();
    DateTime now = DateTime.now();
    node.setValue(initial == null
        ? new DataValue(Variant.NULL_VALUE, new StatusCode(StatusCodes.Bad_WaitingForInitialData), now, now)
        : new DataValue(initial, StatusCode.GOOD, now, now));
    getNodeManager().addNode(node);
    parent.addComponent(node);
    variables.put(path, node);
    return node;
  }

  private void set(String path, Variant value) {
    UaVariableNode node = variables.get(path);
    if (node != null) {
      DateTime now = DateTime.now();
      node.setValue(new DataValue(value, StatusCode.GOOD, now, now));
    }
  }

  /** State variables are refreshed every second: only a change is a new value for subscribers. */
  private void setIfChanged(String path, String value) {
    UaVariableNode node = variables.get(path);
    if (node != null && !value.equals(node.getValue().value().value())) {
      set(path, new Variant(value));
    }
  }

  private static String path(NodeId id) {
    return String.valueOf(id.getIdentifier());
  }

  /** The NodeId of a path in this namespace. */
  NodeId nodeId(String path) {
    return newNodeId(path);
  }

  @Override
  public void onDataItemsCreated(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsCreated(dataItems);
  }

  @Override
  public void onDataItemsModified(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsModified(dataItems);
  }

  @Override
  public void onDataItemsDeleted(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsDeleted(dataItems);
  }

  @Override
  public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
    subscriptionModel.onMonitoringModeChanged(monitoredItems);
  }
}
