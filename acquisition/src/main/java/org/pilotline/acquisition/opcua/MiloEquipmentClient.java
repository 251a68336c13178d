package org.pilotline.acquisition.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransport;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfig;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.TagRef;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.line.UnitNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acquires one equipment's tags and unit nodes over OPC UA: one Milo client, one subscription,
 * one monitored item per tag and per unit node.
 *
 * <p>Publishes, on the event bus: one {@link ReadingBatch} per publish response on {@link
 * Addresses#READINGS}, a {@link CellEvent} per unit change on {@link Addresses#CELL_EVENTS}, and
 * one {@link TagStatus} per tag after subscribing on {@link Addresses#TAG_STATUS}. A tag that
 * cannot be monitored (unknown node, bad NodeId text, filter refused) fails alone.
 *
 * <p>Start fails when the endpoint cannot be reached, offers no endpoint matching the
 * equipment's security settings, or refuses the subscription. Reconnection after a successful
 * start is Milo's: it keeps the session alive and reconnects by itself; re-creating items after a
 * failed subscription transfer is not handled yet.
 */
public final class MiloEquipmentClient extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MiloEquipmentClient.class);

  /** Unit ids change seldom; a few entries keep changes that come faster than a publish. */
  static final int UNIT_QUEUE_SIZE = 10;
  /**
   * A unit may sit on a node for only a fraction of a second (a fast station, an accelerated
   * simulator). Sampling slower than that aliases and drops whole process windows; a sampling
   * interval of 0 is no help, as servers may revise it to the publishing interval.
   */
  static final double UNIT_SAMPLING_MS = 50.0;
  /** Each stop step (delete subscription, disconnect) gets this long before stop moves on. */
  static final long STOP_STEP_TIMEOUT_MS = 3_000;
  static final String APPLICATION_URI = "urn:pilotline:acquisition";

  private final Equipment equipment;
  private final String stationId;
  private final Map<String, Integer> tagIds;
  private final Clock clock;

  private final LongAdder notificationsReceived = new LongAdder();
  private final LongAdder readingsPublished = new LongAdder();
  private final LongAdder batchesPublished = new LongAdder();
  private final LongAdder cellEventsPublished = new LongAdder();

  private volatile Map<String, TagStatus> tagStatuses = Map.of();
  private volatile Map<String, TagStatus> unitStatuses = Map.of();
  private volatile OpcUaClient client;
  private volatile OpcUaSubscription subscription;
  private volatile boolean stopping;

  /** What a monitored item stands for; kept as the item's user object. */
  private record TagBinding(String key, int tagId, String nodeIdText) {}

  /**
   * How much this client has done since it started.
   *
   * @param notificationsReceived data values received, tags and unit nodes together
   * @param readingsPublished readings handed to the event bus
   * @param batchesPublished reading batches handed to the event bus (one per publish response)
   * @param cellEventsPublished unit changes handed to the event bus
   */
  public record Counters(
      long notificationsReceived, long readingsPublished, long batchesPublished, long cellEventsPublished) {}

  /**
   * @param stationId the station that owns the equipment, for tag keys and cell events
   * @param tagIds database id of every tag of the equipment, by {@link TagRef#key()}
   * @throws IllegalArgumentException when a tag of the equipment has no database id
   */
  public MiloEquipmentClient(Equipment equipment, String stationId, Map<String, Integer> tagIds) {
    this(equipment, stationId, tagIds, Clock.systemUTC());
  }

  /**
   * @param clock gives the receive time, the last-resort timestamp of a value without source and
   *     server time
   */
  public MiloEquipmentClient(
      Equipment equipment, String stationId, Map<String, Integer> tagIds, Clock clock) {
    this.equipment = Objects.requireNonNull(equipment, "equipment");
    this.stationId = Objects.requireNonNull(stationId, "stationId");
    this.tagIds = Map.copyOf(tagIds);
    this.clock = Objects.requireNonNull(clock, "clock");
    List<String> missing = equipment.tags().stream()
        .map(t -> key(t))
        .filter(k -> !this.tagIds.containsKey(k))
        .toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "equipment " + equipment.id() + ": no database id for tags " + missing);
    }
  }

  public Equipment equipment() {
    return equipment;
  }

  /**
   * The status of every tag after the last subscribe, by tag key, in configuration order; empty
   * before.
   */
  public Map<String, TagStatus> tagStatuses() {
    return tagStatuses;
  }

  /**
   * The status of every unit node after the last subscribe, by slot name; the status keys read
   * {@code station/equipment/unit/slot}.
   */
  public Map<String, TagStatus> unitStatuses() {
    return unitStatuses;
  }

  public Counters counters() {
    return new Counters(
        notificationsReceived.sum(), readingsPublished.sum(), batchesPublished.sum(), cellEventsPublished.sum());
  }

  @Override
  public Future<?> start() {
    LocalCodecs.register(vertx.eventBus());
    return connectAndSubscribe();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    OpcUaSubscription sub = subscription;
    OpcUaClient c = client;
    Future<Void> deleted = sub == null
        ? Future.succeededFuture()
        : bounded(Future.fromCompletionStage(sub.deleteAsync(), context), "deleteSubscription");
    return deleted.compose(v -> c == null
        ? Future.succeededFuture()
        : bounded(Future.fromCompletionStage(c.disconnectAsync(), context), "disconnect"))
        .onComplete(v -> LOG.info("stopped: equipment={}, counters={}", equipment.id(), counters()));
  }

  /**
   * Discovers the endpoint, connects, and creates the subscription with its items. Kept as one
   * step so that a later reconnect can run it again after a failed subscription transfer.
   */
  Future<Void> connectAndSubscribe() {
    String url = equipment.endpointUrl();
    return Future.fromCompletionStage(DiscoveryClient.getEndpoints(url), context)
        .recover(err -> Future.failedFuture(new IllegalStateException(
            "equipment " + equipment.id() + " at " + url + ": cannot get endpoints: " + err.getMessage(), err)))
        .map(endpoints -> EndpointSelector.select(equipment, endpoints))
        .compose(endpoint -> {
          OpcUaClient created = createClient(endpoint);
          client = created;
          return Future.fromCompletionStage(created.connectAsync(), context)
              .recover(err -> Future.failedFuture(new IllegalStateException(
                  "equipment " + equipment.id() + " at " + url + ": cannot connect: " + err.getMessage(), err)));
        })
        .compose(c -> Future.fromCompletionStage(c.readNamespaceTableAsync(), context))
        .compose(this::subscribe)
        .recover(err -> {
          LOG.warn("start failed: equipment={}, url={}, reason={}", equipment.id(), url, err.getMessage());
          // Milo keeps reconnecting a client whose connect failed; it must be told to stop.
          OpcUaClient c = client;
          client = null;
          Future<Void> closed = c == null
              ? Future.succeededFuture()
              : bounded(Future.fromCompletionStage(c.disconnectAsync(), context), "disconnect");
          return closed.compose(v -> Future.failedFuture(err));
        });
  }

  private OpcUaClient createClient(EndpointDescription endpoint) {
    // Certificates, trust lists and user identities plug in here when security is configured.
    OpcUaClientConfig config = OpcUaClientConfig.builder()
        .setEndpoint(endpoint)
        .setApplicationName(LocalizedText.english("pilotline acquisition"))
        .setApplicationUri(APPLICATION_URI)
        .setProductUri(APPLICATION_URI)
        .setSessionName(() -> "pilotline:" + stationId + "/" + equipment.id())
        .build();
    return new OpcUaClient(config, new OpcTcpClientTransport(OpcTcpClientTransportConfig.newBuilder().build()));
  }

  private Future<Void> subscribe(NamespaceTable namespaces) {
    OpcUaClient c = client;
    Map<String, TagStatus> statuses = new LinkedHashMap<>();
    Map<String, TagStatus> units = new LinkedHashMap<>();
    List<OpcUaMonitoredItem> items = new ArrayList<>();

    for (Tag tag : equipment.tags()) {
      String key = key(tag);
      NodeIdsText.Resolution resolution = NodeIdsText.resolve(tag.nodeId(), namespaces);
      if (resolution instanceof NodeIdsText.Resolved r) {
        statuses.put(key, pending(key));
        items.add(tagItem(tag, r, new TagBinding(key, tagIds.get(key), tag.nodeId())));
      } else if (resolution instanceof NodeIdsText.Unresolved u) {
        statuses.put(key, failed(key, tag.nodeId(), u.statusCode(), u.reason()));
      }
    }
    for (UnitNode unit : equipment.units()) {
      String key = stationId + "/" + equipment.id() + "/unit/" + unit.name();
      NodeIdsText.Resolution resolution = NodeIdsText.resolve(unit.nodeId(), namespaces);
      if (resolution instanceof NodeIdsText.Resolved r) {
        units.put(unit.name(), pending(key));
        items.add(unitItem(r, new UnitSlot(stationId, equipment.id(), unit)));
      } else if (resolution instanceof NodeIdsText.Unresolved u) {
        units.put(unit.name(), failedUnit(key, unit, u.statusCode(), u.reason()));
      }
    }

    OpcUaSubscription sub = new OpcUaSubscription(c, equipment.publishingIntervalMs());
    sub.setSubscriptionListener(new Listener());
    // create() and createMonitoredItems() are synchronous service calls: off the event loop.
    return context.executeBlocking(() -> {
          sub.create();
          sub.addMonitoredItems(items);
          return sub.createMonitoredItems();
        }, false)
        .map(results -> {
          subscription = sub;
          for (MonitoredItemServiceOperationResult result : results) {
            record(result, statuses, units);
          }
          tagStatuses = Collections.unmodifiableMap(statuses);
          unitStatuses = Collections.unmodifiableMap(units);
          EventBus bus = vertx.eventBus();
          statuses.values().forEach(s -> bus.publish(Addresses.TAG_STATUS, s));
          long ok = statuses.values().stream().filter(TagStatus::ok).count();
          LOG.info("subscribed: equipment={}, url={}, publishingMs={}, tags={}, tagsOk={}, units={}",
              equipment.id(), equipment.endpointUrl(),
              sub.getRevisedPublishingInterval().orElse(equipment.publishingIntervalMs()),
              statuses.size(), ok, units.size());
          return null;
        });
  }

  private void record(
      MonitoredItemServiceOperationResult result, Map<String, TagStatus> statuses, Map<String, TagStatus> units) {
    StatusCode status = result.serviceResult().isGood()
        ? result.operationResult().orElse(new StatusCode(StatusCodes.Bad_UnexpectedError))
        : result.serviceResult();
    Object binding = result.monitoredItem().getUserObject().orElse(null);
    if (binding instanceof TagBinding t) {
      statuses.put(t.key(), status.isGood()
          ? new TagStatus(t.key(), true, "")
          : failed(t.key(), t.nodeIdText(), status.getValue(), ""));
    } else if (binding instanceof UnitSlot slot) {
      UnitNode unit = slot.node();
      String key = stationId + "/" + equipment.id() + "/unit/" + unit.name();
      units.put(unit.name(), status.isGood()
          ? new TagStatus(key, true, "")
          : failedUnit(key, unit, status.getValue(), ""));
      double revised = result.monitoredItem().getRevisedSamplingInterval().orElse(UNIT_SAMPLING_MS);
      if (status.isGood() && revised > UNIT_SAMPLING_MS) {
        LOG.info("unit node sampled slower than asked: equipment={}, slot={}, requestedMs={}, revisedMs={};"
            + " units that stay a shorter time than that on the node may be missed",
            equipment.id(), unit.name(), UNIT_SAMPLING_MS, revised);
      }
    }
  }

  /** Placeholder until the server answers; every created item replaces it. */
  private static TagStatus pending(String key) {
    return new TagStatus(key, false, "BadWaitingForResponse");
  }

  private TagStatus failed(String key, String nodeIdText, long statusCode, String reason) {
    String detail = detail(statusCode, reason);
    LOG.warn("tag failed: equipment={}, tag={}, nodeId={}, status={}", equipment.id(), key, nodeIdText, detail);
    return new TagStatus(key, false, detail);
  }

  private TagStatus failedUnit(String key, UnitNode unit, long statusCode, String reason) {
    String detail = detail(statusCode, reason);
    LOG.warn("unit node failed: equipment={}, slot={}, nodeId={}, status={}",
        equipment.id(), unit.name(), unit.nodeId(), detail);
    return new TagStatus(key, false, detail);
  }

  private static String detail(long statusCode, String reason) {
    String name = DataValues.statusName(statusCode);
    return reason.isEmpty() ? name : name + ": " + reason;
  }

  private OpcUaMonitoredItem tagItem(Tag tag, NodeIdsText.Resolved resolved, TagBinding binding) {
    OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(resolved.nodeId());
    item.setSamplingInterval(tag.samplingMs());
    item.setQueueSize(uint(tag.queueSize()));
    item.setDiscardOldest(true);
    if (tag.deadband() > 0) {
      item.setFilter(new DataChangeFilter(
          DataChangeTrigger.StatusValue, uint(DeadbandType.Absolute.getValue()), tag.deadband()));
    }
    item.setUserObject(binding);
    if (tag.samplingMs() > 0 && tag.queueSize() < equipment.publishingIntervalMs() / tag.samplingMs()) {
      LOG.warn("queue shorter than a publishing interval of samples, changes may be lost:"
              + " equipment={}, tag={}, queueSize={}, samplingMs={}, publishingMs={}",
          equipment.id(), binding.key(), tag.queueSize(), tag.samplingMs(), equipment.publishingIntervalMs());
    }
    return item;
  }

  private static OpcUaMonitoredItem unitItem(NodeIdsText.Resolved resolved, UnitSlot slot) {
    OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(resolved.nodeId());
    item.setSamplingInterval(UNIT_SAMPLING_MS);
    item.setQueueSize(uint(UNIT_QUEUE_SIZE));
    item.setDiscardOldest(true);
    // No filter: the default data change filter triggers on status and value (Part 4, 7.22.2).
    item.setUserObject(slot);
    return item;
  }

  /**
   * Runs on Milo's delivery thread, one call at a time per subscription. Must not block: it
   * converts and hands over, nothing else.
   */
  private final class Listener implements OpcUaSubscription.SubscriptionListener {
    @Override
    public void onDataReceived(
        OpcUaSubscription sub, List<OpcUaMonitoredItem> items, List<DataValue> values) {
      if (stopping) {
        return;
      }
      try {
        deliver(items, values);
      } catch (RuntimeException e) {
        LOG.error("notification dropped: equipment={}, values={}", equipment.id(), values.size(), e);
      }
    }

    @Override
    public void onNotificationDataLost(OpcUaSubscription sub) {
      LOG.warn("notification data lost: equipment={}", equipment.id());
    }

    @Override
    public void onWatchdogTimerElapsed(OpcUaSubscription sub) {
      LOG.warn("subscription watchdog elapsed: equipment={}", equipment.id());
    }

    @Override
    public void onStatusChanged(OpcUaSubscription sub, StatusCode status) {
      // Good_Transferred after a reconnect is routine; Bad_Timeout means the items are gone.
      if (status.isGood()) {
        LOG.info("subscription status changed: equipment={}, status={}", equipment.id(),
            DataValues.statusName(status.getValue()));
      } else {
        LOG.warn("subscription status changed: equipment={}, status={}", equipment.id(),
            DataValues.statusName(status.getValue()));
      }
    }

    @Override
    public void onTransferFailed(OpcUaSubscription sub, StatusCode status) {
      LOG.warn("subscription transfer failed: equipment={}, status={}", equipment.id(),
          DataValues.statusName(status.getValue()));
    }
  }

  private void deliver(List<OpcUaMonitoredItem> items, List<DataValue> values) {
    Instant receivedAt = clock.instant();
    notificationsReceived.add(values.size());
    List<Reading> readings = new ArrayList<>(values.size());
    List<CellEvent> events = List.of();
    for (int i = 0; i < values.size(); i++) {
      Object binding = items.get(i).getUserObject().orElse(null);
      DataValue value = values.get(i);
      if (binding instanceof TagBinding t) {
        readings.add(DataValues.toReading(t.tagId(), value, receivedAt));
      } else if (binding instanceof UnitSlot slot) {
        var event = slot.accept(value, receivedAt);
        if (event.isPresent()) {
          if (events.isEmpty()) {
            events = new ArrayList<>(2);
          }
          events.add(event.get());
        }
      }
    }
    // EventBus.publish is thread-safe; consumers run on their own contexts.
    EventBus bus = vertx.eventBus();
    // Counted before publishing, so that a consumer never sees more than the counters say.
    if (!readings.isEmpty()) {
      readingsPublished.add(readings.size());
      batchesPublished.increment();
      bus.publish(Addresses.READINGS, new ReadingBatch(equipment.id(), readings));
    }
    // Notifications come grouped per monitored item; the tracker needs the changes of several
    // slots in the order they happened. The sort is stable, so one slot's order is kept.
    if (events.size() > 1) {
      events.sort(Comparator.comparing(CellEvent::at));
    }
    for (CellEvent event : events) {
      cellEventsPublished.increment();
      bus.publish(Addresses.CELL_EVENTS, event);
    }
  }

  private Future<Void> bounded(Future<?> step, String name) {
    return step.timeout(STOP_STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(err -> {
          LOG.warn("stop step failed: equipment={}, step={}, reason={}", equipment.id(), name, err.toString());
          return Future.succeededFuture();
        });
  }

  private String key(Tag tag) {
    return new TagRef(stationId, equipment.id(), tag).key();
  }
}
