package org.pilotline.acquisition.sim;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Tag;

/**
 * {@link SimulatorServer#reportEveryWrite()}: a subscriber that samples ten times slower than the
 * values change still hears every change; without it, Milo's sampling hands it about one value per
 * sampling interval.
 */
class SimulatorEveryWriteIT {
  private static final int TAGS = 10;
  private static final double CHANGE_MS = 50;
  private static final double CLIENT_SAMPLING_MS = 500;

  @Test
  @Timeout(60)
  void everyWriteReachesASlowSamplingSubscriber() throws Exception {
    Heard h = run(true);
    for (String node : h.written.keySet()) {
      NavigableSet<Instant> heard = h.heard.getOrDefault(node, new ConcurrentSkipListSet<>());
      assertTrue(!heard.isEmpty(), node + " heard nothing");
      // the subscription starts with the current value; from then on every write must arrive
      NavigableSet<Instant> due = h.written.get(node).tailSet(heard.first(), true);
      assertTrue(due.size() >= 20, node + ": only " + due.size() + " writes while subscribed");
      assertEquals(due, heard.tailSet(heard.first(), true), node);
    }
  }

  @Test
  @Timeout(60)
  void withoutItASlowSamplingSubscriberMissesChanges() throws Exception {
    Heard h = run(false);
    long written = 0;
    long heard = 0;
    for (String node : h.written.keySet()) {
      NavigableSet<Instant> got = h.heard.getOrDefault(node, new ConcurrentSkipListSet<>());
      written += got.isEmpty() ? 0 : h.written.get(node).tailSet(got.first(), true).size();
      heard += got.size();
    }
    assertTrue(heard * 3 < written, "heard " + heard + " of " + written + " writes");
  }

  /** OPC UA DateTime counts 100 ns ticks: what a subscriber hears of a source time. */
  private static Instant opcUaTicks(Instant t) {
    return t.minusNanos(t.getNano() % 100);
  }

  private record Heard(Map<String, NavigableSet<Instant>> written, Map<String, NavigableSet<Instant>> heard) {}

  /** Subscribes to every tag, lets every tag change 40 times, stops the simulator and waits for the rest. */
  private static Heard run(boolean everyWrite) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Line line = DemoLines.onPort(DemoLines.syntheticLine(TAGS, CHANGE_MS, 1, 200, 100), port);
    Map<String, NavigableSet<Instant>> written = new ConcurrentHashMap<>();
    Map<String, NavigableSet<Instant>> heard = new ConcurrentHashMap<>();
    SimulatorServer sim = SimulatorServer.create(line, SimulatorOptions.defaults().withTickMs((long) CHANGE_MS),
        (node, sourceTime, value, status) ->
            written.computeIfAbsent(node, k -> new ConcurrentSkipListSet<>()).add(opcUaTicks(sourceTime)));
    if (everyWrite) {
      sim.reportEveryWrite();
    }
    String url = line.equipment().toList().get(0).endpointUrl();
    OpcUaClient client = null;
    try {
      sim.startAsync().get(30, TimeUnit.SECONDS);
      client = OpcUaClient.create(url,
          eps -> eps.stream().filter(e -> e.getEndpointUrl().equals(url)
              && SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri())).findFirst(),
          transport -> { }, config -> { });
      client.connect();
      int ns = client.readNamespaceTable().getIndex(SimulatorServer.NAMESPACE_URI).intValue();
      OpcUaSubscription sub = new OpcUaSubscription(client, 200.0);
      List<OpcUaMonitoredItem> items = new ArrayList<>();
      Map<OpcUaMonitoredItem, String> nodeOf = new ConcurrentHashMap<>();
      for (Tag t : line.equipment().toList().get(0).tags()) {
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(
            new NodeId(ns, t.nodeId().substring(DemoLines.NS.length())));
        item.setSamplingInterval(CLIENT_SAMPLING_MS);
        item.setQueueSize(uint(100));
        items.add(item);
        nodeOf.put(item, t.nodeId());
      }
      sub.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
        @Override
        public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> its, List<DataValue> values) {
          for (int i = 0; i < its.size(); i++) {
            heard.computeIfAbsent(nodeOf.get(its.get(i)), k -> new ConcurrentSkipListSet<>())
                .add(values.get(i).sourceTime().getJavaInstant());
          }
        }
      });
      sub.create();
      sub.addMonitoredItems(items);
      sub.synchronizeMonitoredItems();
      // 40 changes of every tag while subscribed (2 s), then the simulator stops changing
      int before = written.values().stream().mapToInt(NavigableSet::size).min().orElse(0);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (written.values().stream().mapToInt(NavigableSet::size).min().orElse(0) < before + 40
          && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      sim.stopChanging();
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long last = -1;
      long quietSince = System.nanoTime();
      while (System.nanoTime() < deadline) {
        long n = heard.values().stream().mapToLong(NavigableSet::size).sum();
        if (n != last) {
          last = n;
          quietSince = System.nanoTime();
        } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(1_000)) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
      return new Heard(written, heard);
    } finally {
      if (client != null) {
        client.disconnect();
      }
      sim.stop();
    }
  }
}
