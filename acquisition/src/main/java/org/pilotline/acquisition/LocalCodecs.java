package org.pilotline.acquisition;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.line.TagStatus;

/**
 * Registers pass-by-reference codecs for the acquisition records. They are immutable, so the
 * receiver may share the sender's instance; on a single node nothing is serialised.
 */
public final class LocalCodecs {
  private LocalCodecs() {}

  public static void register(EventBus bus) {
    registerOne(bus, ReadingBatch.class);
    registerOne(bus, CellEvent.class);
    registerOne(bus, TagStatus.class);
  }

  private static <T> void registerOne(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new Local<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // Several verticles register on one Vert.x instance; the first one wins.
    }
  }

  private static final class Local<T> implements MessageCodec<T, T> {
    private final Class<T> type;

    Local(Class<T> type) {
      this.type = type;
    }

    @Override
    public void encodeToWire(Buffer buffer, T value) {
      throw new UnsupportedOperationException(type.getSimpleName() + " is local-only for now");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException(type.getSimpleName() + " is local-only for now");
    }

    @Override
    public T transform(T value) {
      return value;
    }

    @Override
    public String name() {
      return "local-" + type.getName();
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
