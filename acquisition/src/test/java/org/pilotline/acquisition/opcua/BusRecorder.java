package org.pilotline.acquisition.opcua;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Records every message of one type published on an event-bus address, and lets a test wait, with
 * a deadline, for one that matches.
 */
final class BusRecorder<T> {
  private final List<T> messages = new ArrayList<>();
  private final String address;

  private BusRecorder(String address) {
    this.address = address;
  }

  /** Records what {@code unpack} makes of each message body (a batch's readings, say). */
  static <M, T> BusRecorder<T> on(Vertx vertx, String address, Function<M, List<T>> unpack) throws Exception {
    BusRecorder<T> recorder = new BusRecorder<>(address);
    vertx.eventBus().<M>consumer(address, message -> recorder.addAll(unpack.apply(message.body())))
        .completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return recorder;
  }

  private synchronized void addAll(List<T> received) {
    messages.addAll(received);
    notifyAll();
  }

  synchronized List<T> all() {
    return List.copyOf(messages);
  }

  /** The first recorded message that matches, waiting up to {@code timeout} for it. */
  synchronized T await(String what, Predicate<T> matches, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    while (true) {
      for (; checked < messages.size(); checked++) {
        if (matches.test(messages.get(checked))) {
          return messages.get(checked);
        }
      }
      long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMs <= 0) {
        fail("timed out after " + timeout + " waiting on " + address + " for " + what
            + "; received " + messages.size() + " messages, last: "
            + (messages.isEmpty() ? "none" : messages.get(messages.size() - 1)));
      }
      wait(remainingMs);
    }
  }

  /** Waits until {@code count} recorded messages match, and returns them in arrival order. */
  synchronized List<T> awaitCount(String what, Predicate<T> matches, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<T> matching = new ArrayList<>();
      for (T m : messages) {
        if (matches.test(m)) {
          matching.add(m);
        }
      }
      if (matching.size() >= count) {
        return matching;
      }
      long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMs <= 0) {
        fail("timed out after " + timeout + " waiting on " + address + " for " + count + " " + what
            + "; got " + matching);
      }
      wait(remainingMs);
    }
  }
}
