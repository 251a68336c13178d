package org.pilotline.acquisition.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
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
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransport;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfig;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.DataGap;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.TagRef;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.opcua.security.Pki;
import org.pilotline.acquisition.opcua.security.Secrets;
import org.pilotline.acquisition.line.UserIdentity;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.pilotline.acquisition.store.DataGapSink;
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
 * <p>Start fails when the endpoint offers no endpoint matching the equipment's security
 * settings, or refuses the session or the subscription: faults of configuration that a retry
 * does not mend. An endpoint that does not answer at all (server down, machine off, network
 * away) does not fail start: the client logs it, reports every tag as {@code BadNotConnected},
 * and keeps trying with the back-off below until the server answers, then subscribes as usual.
 *
 * <p>After a successful start, outages are recovered, each on this client alone:
 * <ul>
 *   <li>Milo notices a lost connection (session inactive), a silent subscription (watchdog), a
 *       subscription the server dropped (Bad_Timeout) or one it could not transfer to a new
 *       session; the first of these signs opens one {@link DataGap} for the outage.
 *   <li>While the session is down, Milo reconnects by itself, reactivates the session and
 *       transfers the subscription when it can. Its back-off is fixed (up to 16 s), so this client
 *       also probes the endpoint with its own, shorter back-off ({@link #RECONNECT_INITIAL} doubling
 *       to {@link #RECONNECT_MAX}); when the endpoint answers, {@link #MILO_GRACE_MS} after the
 *       outage began, and Milo's session is still not back, the client is replaced by a new one
 *       with a new subscription.
 *   <li>When the session is back but the subscription is not (transfer failed, server restarted,
 *       watchdog, timeout), the subscription is created again with all monitored items, NodeIds
 *       resolved again against the server's namespace table (a restarted server may number its
 *       namespaces differently), and the unit slots forgotten: the first unit value after
 *       recovery is reported with no previous unit.
 *   <li>The gap is recorded through the {@link DataGapSink}, off Milo's and Vert.x's event threads,
 *       once the first value newer than the last one before the outage arrives.
 * </ul>
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
  /** Each clean-up step (delete subscription, disconnect) gets this long before the caller moves on. */
  static final long STOP_STEP_TIMEOUT_MS = 3_000;
  public static final String APPLICATION_URI = "urn:pilotline:acquisition";

  private final Path pkiDir;
  /** First delay between reconnection probes. */
  static final Duration RECONNECT_INITIAL = Duration.ofMillis(500);
  /**
   * Longest delay between reconnection probes: bounds the time from a server's return to its
   * equipment's readings flowing again (plus {@link #MILO_GRACE_MS} and a connect).
   */
  static final Duration RECONNECT_MAX = Duration.ofSeconds(4);
  /**
   * How long after an outage begins Milo alone may recover it. Milo's first cycle (reconnect after
   * 1 s, reactivate or create a session, transfer the subscription) fits in it, and its recovery
   * is the better one: a reactivated session or a transferred subscription keeps the values the
   * server queued meanwhile; a replaced client starts over. After it, an endpoint that answers
   * gets a new client at once.
   */
  static final long MILO_GRACE_MS = 5_000;
  /** A reconnection probe (GetEndpoints) that takes longer than this counts as failed. */
  static final long PROBE_TIMEOUT_MS = 3_000;

  private final Equipment equipment;
  private final String stationId;
  private final Map<String, Integer> tagIds;
  private final Clock clock;
  private final DataGapSink gapSink;
  private final GapTracker gaps;
  /** One per unit node, for the client's life: forgotten, not replaced, on every subscribe. */
  private final Map<String, UnitSlot> slots = new LinkedHashMap<>();
  private final ReconnectBackoff backoff =
      new ReconnectBackoff(RECONNECT_INITIAL, RECONNECT_MAX, 0.2, ThreadLocalRandom.current());

  private final LongAdder recoveries = new LongAdder();
  private final LongAdder gapsDetected = new LongAdder();
  private final LongAdder notificationsReceived = new LongAdder();
  private final LongAdder readingsPublished = new LongAdder();
  private final LongAdder batchesPublished = new LongAdder();
  private final LongAdder cellEventsPublished = new LongAdder();

  private volatile Map<String, TagStatus> tagStatuses = Map.of();
  private volatile Map<String, TagStatus> unitStatuses = Map.of();
  private volatile OpcUaClient client;
  private volatile OpcUaSubscription subscription;
  private volatile boolean stopping;
  /** The current client's session is active (Milo's session FSM says so). */
  private volatile boolean sessionActive;
  /** The current subscription is lost or suspect and must be created again. */
  private volatile boolean resubscribeNeeded;
  // The recovery loop's state; touched on this verticle's context only.
  private boolean recovering;
  private long recoveryTimer = -1;
  private long outageStartNanos;
  /** How the last outage was recovered; for logs and tests. */
  private volatile String lastRecovery = "";
  private volatile DataGap lastGap;
  private volatile Instant connectedSince;
  private volatile String notConnectedReason = "";
  /** Unreachable at start and not yet connected; touched on the context only. */
  private boolean waitingSinceStart;

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
    this(equipment, stationId, tagIds, clock, DataGapSink.NONE);
  }

  /**
   * @param gapSink where outages are recorded ({@link DataGapSink#NONE}: logged only); called on
   *     a worker thread
   */
  public MiloEquipmentClient(
      Equipment equipment, String stationId, Map<String, Integer> tagIds, Clock clock, DataGapSink gapSink) {
    this(equipment, stationId, tagIds, clock, gapSink, Pki.DEFAULT_DIR);
  }

  /**
   * @param pkiDir the PKI folder (application certificate, trusted and rejected server
   *     certificates); opened, and the certificate created, only for a secure endpoint
   */
  public MiloEquipmentClient(Equipment equipment, String stationId, Map<String, Integer> tagIds,
      Clock clock, DataGapSink gapSink, Path pkiDir) {
    this.pkiDir = Objects.requireNonNull(pkiDir, "pkiDir");
    this.equipment = Objects.requireNonNull(equipment, "equipment");
    this.stationId = Objects.requireNonNull(stationId, "stationId");
    this.tagIds = Map.copyOf(tagIds);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.gapSink = Objects.requireNonNull(gapSink, "gapSink");
    this.gaps = new GapTracker(stationId, equipment.id());
    for (UnitNode unit : equipment.units()) {
      slots.put(unit.name(), new UnitSlot(stationId, equipment.id(), unit));
    }
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

  /** Outages recovered since start (by Milo's transfer, a new subscription or a new client). */
  public long recoveries() {
    return recoveries.sum();
  }

  /**
   * How the last outage was recovered: {@code sessionRecovered} (Milo kept or transferred the
   * subscription), {@code resubscribed} (a new subscription on the same session) or {@code
   * reconnected} (a new client); empty before the first.
   */
  String lastRecovery() {
    return lastRecovery;
  }

  /** The station that owns the equipment. */
  public String stationId() {
    return stationId;
  }

  /**
   * Whether values flow now: a session is active and the subscription is in place. False while
   * an outage is being recovered and while an equipment unreachable at start is waited for.
   */
  public boolean connected() {
    return client != null && sessionActive && subscription != null && !resubscribeNeeded;
  }

  /** Why the client is not connected (the last failure), or empty when it is. */
  public String notConnectedReason() {
    return connected() ? "" : notConnectedReason;
  }

  /** When the current subscription was made, or null before the first. */
  public Instant connectedSince() {
    return connectedSince;
  }

  /** Whether an outage is open: noticed and not yet closed by a newer value. */
  public boolean outageOpen() {
    return gaps.open();
  }

  /** The last data gap closed, or null before the first. */
  public DataGap lastGap() {
    return lastGap;
  }

  /** Data gaps closed since start (each handed to the {@link DataGapSink}). */
  public long gapsDetected() {
    return gapsDetected.sum();
  }

  public Counters counters() {
    return new Counters(
        notificationsReceived.sum(), readingsPublished.sum(), batchesPublished.sum(), cellEventsPublished.sum());
  }

  @Override
  public Future<?> start() {
    LocalCodecs.register(vertx.eventBus());
    if (insecureOffHost(equipment)) {
      LOG.warn("security None on a network endpoint: equipment={}, url={}; values travel unsigned and in clear,"
          + " use policy Basic256Sha256 or stronger with mode SignAndEncrypt (docs/OPERATIONS.md)",
          equipment.id(), equipment.endpointUrl());
    }
    return connectAndSubscribe().recover(err -> {
      if (!(err instanceof EndpointUnreachable) || stopping) {
        return Future.failedFuture(err);
      }
      // A machine switched off when the node starts is routine on a line; it must not need a restart.
      notConnectedReason = err.getMessage();
      Map<String, TagStatus> waiting = new LinkedHashMap<>();
      for (Tag tag : equipment.tags()) {
        waiting.put(key(tag), new TagStatus(key(tag), false, "BadNotConnected: endpoint not answering"));
      }
      Map<String, TagStatus> units = new LinkedHashMap<>();
      for (UnitNode unit : equipment.units()) {
        String k = stationId + "/" + equipment.id() + "/unit/" + unit.name();
        units.put(unit.name(), new TagStatus(k, false, "BadNotConnected: endpoint not answering"));
      }
      tagStatuses = Collections.unmodifiableMap(waiting);
      unitStatuses = Collections.unmodifiableMap(units);
      LOG.warn("equipment unreachable at start, will keep trying: equipment={}, url={}, reason={}",
          equipment.id(), equipment.endpointUrl(), err.getMessage());
      waitingSinceStart = true;
      // what was not observed from now until the first value: a gap like any outage's
      gaps.outage("unreachableAtStart", clock.instant());
      beginRecovery(false);
      return Future.succeededFuture();
    });
  }

  /** Nothing answered at the endpoint's address: a retry may succeed once the server is up. */
  private static final class EndpointUnreachable extends IllegalStateException {
    EndpointUnreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Security None is for the demo's simulator on this machine only. */
  static boolean insecureOffHost(Equipment equipment) {
    if (!"None".equals(equipment.security().mode())) {
      return false;
    }
    String host = EndpointUtil.getHost(equipment.endpointUrl());
    return host == null || !(host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]")
        || host.equals("::1"));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (recoveryTimer >= 0) {
      vertx.cancelTimer(recoveryTimer);
      recoveryTimer = -1;
    }
    if (gaps.open()) {
      LOG.warn("stopped during an outage, its gap is not recorded: equipment={}", equipment.id());
    }
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
        .recover(err -> Future.failedFuture(new EndpointUnreachable(
            "equipment " + equipment.id() + " at " + url + ": cannot get endpoints: " + err.getMessage(), err)))
        .map(endpoints -> EndpointSelector.select(equipment, endpoints))
        // Reading the PKI folder, and creating the certificate on first start, is blocking work.
        .compose(endpoint -> context.executeBlocking(() -> createClient(endpoint)))
        .compose(created -> {
          client = created;
          return Future.fromCompletionStage(created.connectAsync(), context)
              .recover(err -> Future.failedFuture(new IllegalStateException(
                  "equipment " + equipment.id() + " at " + url + ": cannot connect: " + err.getMessage(), err)))
              .map(c -> {
                // Milo's onSessionActive comes on its executor, maybe later; connect means active.
                sessionActive = true;
                return created;
              });
        })
        .compose(c -> Future.fromCompletionStage(c.readNamespaceTableAsync(), context)
            .compose(namespaces -> subscribe(c, namespaces)))
        .recover(err -> {
          LOG.warn("connect failed: equipment={}, url={}, reason={}", equipment.id(), url, err.getMessage());
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
    var builder = OpcUaClientConfig.builder()
        .setEndpoint(endpoint)
        .setApplicationName(LocalizedText.english("pilotline acquisition"))
        .setApplicationUri(APPLICATION_URI)
        .setProductUri(APPLICATION_URI)
        .setSessionName(() -> "pilotline:" + stationId + "/" + equipment.id());
    if (!SecurityPolicy.None.getUri().equals(endpoint.getSecurityPolicyUri())) {
      // Opened per client: a certificate trusted with "pki trust" counts at the next attempt.
      Pki pki = Pki.open(pkiDir);
      Pki.ApplicationIdentity own = pki.applicationIdentity(APPLICATION_URI);
      builder.setKeyPair(own.keyPair())
          .setCertificate(own.certificate())
          .setCertificateChain(new X509Certificate[] {own.certificate()})
          .setCertificateValidator(pki.serverCertificateValidator(equipment.id()));
    }
    builder.setIdentityProvider(identityProvider(equipment.security().identity()));
    OpcUaClientConfig config = builder.build();
    OpcUaClient created =
        new OpcUaClient(config, new OpcTcpClientTransport(OpcTcpClientTransportConfig.newBuilder().build()));
    created.addSessionActivityListener(new SessionActivityListener() {
      @Override
      public void onSessionActive(UaSession session) {
        if (client == created) {
          sessionActive = true;
          LOG.info("session active: equipment={}", equipment.id());
          if (resubscribeNeeded && !stopping) {
            // Milo's new session came after its failed transfer: no need to wait for the next attempt.
            context.runOnContext(v -> beginRecovery(true));
          }
        }
      }

      @Override
      public void onSessionInactive(UaSession session) {
        // A replaced client's session going away is no news.
        if (client == created && !stopping) {
          sessionActive = false;
          outage("sessionInactive", false);
        }
      }
    });
    return created;
  }

  /** Reads the secret now, so that a changed password file counts at the next connection. */
  private IdentityProvider identityProvider(UserIdentity identity) {
    String where = "equipment " + equipment.id() + " at " + equipment.endpointUrl() + ": ";
    if (identity instanceof UserIdentity.UserName u) {
      return new UsernameProvider(u.userName(), Secrets.password(u, where));
    }
    if (identity instanceof UserIdentity.X509 x) {
      try {
        return new X509IdentityProvider(Pki.readCertificateFile(x.certificateFile()),
            Pki.readPrivateKeyFile(x.privateKeyFile()));
      } catch (java.io.IOException | java.security.GeneralSecurityException e) {
        throw new IllegalStateException(where + "X.509 identity " + x.certificateFile() + ": " + e.getMessage(), e);
      }
    }
    return AnonymousProvider.INSTANCE;
  }

  private Future<Void> subscribe(OpcUaClient c, NamespaceTable namespaces) {
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
        items.add(unitItem(r, slots.get(unit.name())));
      } else if (resolution instanceof NodeIdsText.Unresolved u) {
        units.put(unit.name(), failedUnit(key, unit, u.statusCode(), u.reason()));
      }
    }

    OpcUaSubscription sub = new OpcUaSubscription(c, equipment.publishingIntervalMs());
    sub.setSubscriptionListener(new Listener());
    // create() and createMonitoredItems() are synchronous service calls: off the event loop.
    return context.executeBlocking(() -> {
          // While away the slots may have changed any number of times: no previous unit is known.
          slots.values().forEach(UnitSlot::forget);
          sub.create();
          sub.addMonitoredItems(items);
          return sub.createMonitoredItems();
        }, false)
        .map(results -> {
          subscription = sub;
          resubscribeNeeded = false;
          connectedSince = clock.instant();
          notConnectedReason = "";
          gaps.subscribed(clock.instant());
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
      // No publish response for longer than the keep-alive promises: the silence no longer means
      // "nothing changed". Milo advises a new subscription.
      LOG.warn("subscription watchdog elapsed: equipment={}", equipment.id());
      if (sub == subscription) {
        outage("watchdog", true);
      }
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
        if (status.getValue() == StatusCodes.Bad_Timeout && sub == subscription) {
          outage("subscriptionTimeout", true);
        }
      }
    }

    @Override
    public void onTransferFailed(OpcUaSubscription sub, StatusCode status) {
      // Milo has reset the subscription; a server that restarted knows neither session nor ids.
      LOG.warn("subscription transfer failed: equipment={}, status={}", equipment.id(),
          DataValues.statusName(status.getValue()));
      if (sub == subscription) {
        outage("transferFailed", true);
      }
    }
  }

  private void deliver(List<OpcUaMonitoredItem> items, List<DataValue> values) {
    Instant receivedAt = clock.instant();
    notificationsReceived.add(values.size());
    List<Reading> readings = new ArrayList<>(values.size());
    List<CellEvent> events = List.of();
    List<Instant> sourceTimes = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      Object binding = items.get(i).getUserObject().orElse(null);
      DataValue value = values.get(i);
      sourceTimes.add(DataValues.sourceTime(value, receivedAt));
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
    gaps.values(sourceTimes).ifPresent(this::recordGap);
  }

  private void recordGap(DataGap gap) {
    gapsDetected.increment();
    lastGap = gap;
    LOG.warn("data gap: equipment={}, station={}, from={}, to={}, seconds={}, reason={}",
        gap.equipmentId(), gap.stationId(), gap.from(), gap.to(),
        Duration.between(gap.from(), gap.to()).toMillis() / 1000.0, gap.reason());
    context.executeBlocking(() -> {
          gapSink.record(gap);
          return null;
        }, false)
        .onFailure(err -> LOG.error("data gap not recorded: equipment={}, from={}, to={}, reason={}",
            gap.equipmentId(), gap.from(), gap.to(), err.toString()));
  }

  // ---------------------------------------------------------------- recovery

  /**
   * A sign of an outage, from any thread: opens a gap (once per outage) and starts the recovery
   * loop if it is not running.
   *
   * @param subscriptionLost the subscription must be created again even if the session is fine
   */
  private void outage(String reason, boolean subscriptionLost) {
    if (stopping) {
      return;
    }
    if (subscriptionLost) {
      resubscribeNeeded = true;
    }
    if (gaps.outage(reason, clock.instant())) {
      LOG.warn("outage: equipment={}, url={}, reason={}", equipment.id(), equipment.endpointUrl(), reason);
    }
    context.runOnContext(v -> beginRecovery(subscriptionLost));
  }

  /**
   * @param now attempt at once rather than after the first back-off delay: a lost subscription on
   *     a live session is re-created without waiting
   */
  private void beginRecovery(boolean now) {
    if (stopping) {
      return;
    }
    if (recovering) {
      // Only a waiting loop is hurried; a timer that already fired has its attempt under way.
      if (now && sessionActive && recoveryTimer >= 0 && vertx.cancelTimer(recoveryTimer)) {
        attempt();
      }
      return;
    }
    recovering = true;
    outageStartNanos = System.nanoTime();
    backoff.reset();
    if (now && sessionActive) {
      attempt();
    } else {
      scheduleAttempt(backoff.nextDelayMs());
    }
  }

  private void scheduleAttempt(long delayMs) {
    recoveryTimer = vertx.setTimer(delayMs, id -> attempt());
  }

  /** One step of the recovery loop, on the context; schedules the next one unless recovered. */
  private void attempt() {
    recoveryTimer = -1;
    if (stopping) {
      recovering = false;
      return;
    }
    OpcUaClient c = client;
    OpcUaSubscription sub = subscription;
    if (c != null && sessionActive) {
      if (!resubscribeNeeded && sub != null && sub.getSyncState() != OpcUaSubscription.SyncState.INITIAL) {
        // Milo reactivated the session and the subscription survived (transferred or never lost).
        recovered("sessionRecovered");
        return;
      }
      resubscribe(c).onComplete(ar -> {
        if (ar.succeeded()) {
          recovered("resubscribed");
        } else {
          retry("resubscribe", ar.cause());
        }
      });
      return;
    }
    probe().onComplete(ar -> {
      if (stopping) {
        recovering = false;
        return;
      }
      if (ar.failed()) {
        retry("probe", ar.cause());
        return;
      }
      if (client != null && sessionActive) {
        scheduleAttempt(1);
        return;
      }
      // Without a client (never connected, or the last replacement failed) Milo is reconnecting
      // nothing: no grace to wait out.
      long graceLeftMs = client == null
          ? 0 : MILO_GRACE_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStartNanos);
      if (graceLeftMs > 0) {
        long delay = Math.min(backoff.nextDelayMs(), graceLeftMs);
        LOG.info("endpoint answers, leaving the session to Milo: equipment={}, url={}, nextAttemptMs={}",
            equipment.id(), equipment.endpointUrl(), delay);
        scheduleAttempt(delay);
        return;
      }
      replaceClient().onComplete(r -> {
        if (r.succeeded()) {
          recovered("reconnected");
        } else {
          retry("reconnect", r.cause());
        }
      });
    });
  }

  private void recovered(String how) {
    recovering = false;
    backoff.reset();
    if (waitingSinceStart) {
      // not a recovery: it had never been connected
      waitingSinceStart = false;
      LOG.info("connected after being unreachable at start: equipment={}, url={}, waitedMs={}", equipment.id(),
          equipment.endpointUrl(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStartNanos));
      return;
    }
    lastRecovery = how;
    recoveries.increment();
    LOG.info("recovered: equipment={}, how={}, outageMs={}", equipment.id(), how,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStartNanos));
  }

  private void retry(String step, Throwable cause) {
    notConnectedReason = step + ": " + cause.getMessage();
    long delay = backoff.nextDelayMs();
    LOG.info("recovery step failed: equipment={}, step={}, nextAttemptMs={}, reason={}",
        equipment.id(), step, delay, cause.getMessage());
    scheduleAttempt(delay);
  }

  /** Does the endpoint answer? A GetEndpoints on a connection of its own, bounded. */
  private Future<Void> probe() {
    return Future.fromCompletionStage(DiscoveryClient.getEndpoints(equipment.endpointUrl()), context)
        .timeout(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  /** A new subscription with all items on the same, active, client. */
  private Future<Void> resubscribe(OpcUaClient c) {
    OpcUaSubscription old = subscription;
    subscription = null;
    Future<Void> dropped = Future.succeededFuture();
    if (old != null) {
      old.setSubscriptionListener(null);
      // After a failed transfer or a timeout Milo has reset it (INITIAL); after a watchdog it may
      // still exist on the server and would keep sampling for nobody.
      if (old.getSyncState() != OpcUaSubscription.SyncState.INITIAL) {
        dropped = bounded(Future.fromCompletionStage(old.deleteAsync(), context), "deleteSubscription");
      }
    }
    return dropped
        .compose(v -> Future.fromCompletionStage(c.readNamespaceTableAsync(), context))
        .compose(namespaces -> subscribe(c, namespaces));
  }

  /** Gives up on Milo's session: a new client, a new session, a new subscription. */
  private Future<Void> replaceClient() {
    OpcUaClient old = client;
    OpcUaSubscription oldSub = subscription;
    client = null;
    subscription = null;
    sessionActive = false;
    if (oldSub != null) {
      oldSub.setSubscriptionListener(null);
    }
    if (old != null) {
      // Not awaited: closing a dead session may take until its timeouts; the new one need not wait.
      old.disconnectAsync().whenComplete((c, err) -> {
        if (err != null) {
          LOG.debug("old client disconnect failed: equipment={}, reason={}", equipment.id(), err.toString());
        }
      });
    }
    LOG.info("replacing client: equipment={}, url={}", equipment.id(), equipment.endpointUrl());
    return connectAndSubscribe().compose(v -> {
      OpcUaClient created = client;
      if (!stopping || created == null) {
        return Future.succeededFuture();
      }
      // stop() ran while this client was connecting and could not see it.
      client = null;
      return bounded(Future.fromCompletionStage(created.disconnectAsync(), context), "disconnect");
    });
  }

  private Future<Void> bounded(Future<?> step, String name) {
    return step.timeout(STOP_STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(err -> {
          LOG.warn("step failed: equipment={}, step={}, reason={}", equipment.id(), name, err.toString());
          return Future.succeededFuture();
        });
  }

  private String key(Tag tag) {
    return new TagRef(stationId, equipment.id(), tag).key();
  }
}
