package org.pilotline.acquisition.store.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.pilotline.acquisition.line.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable, ordered queue of reading batches on local disk: the store-and-forward buffer between
 * acquisition and the database.
 *
 * <p>Layout of {@link SpoolConfig#dir()}: append-only segment files {@code <firstSeq>.seg} (20
 * digits), a checkpoint file {@code committed} holding the last committed sequence number
 * (replaced atomically: temp file, fsync, rename, directory fsync), and {@code spool.id}, a random
 * id that names this spool to the database's bookkeeping (a wiped directory is a new spool).
 *
 * <p>A record is {@code [int length][int crc32c][payload]}, payload {@code [long seq][long
 * appendedAtMillis][int count][readings]}, big-endian. At open every segment is scanned: a record
 * that is cut short or fails its checksum ends the segment there; the rest is truncated and the
 * bytes dropped are logged. Segments are deleted only when every record in them is committed.
 *
 * <p>Appends are written to the page cache at once and forced to disk by {@link #syncIfDue()} at
 * most {@link SpoolConfig#fsyncIntervalMs()} later (group commit): a power cut loses at most that
 * window. Thread-safe: one appender and one reader may call concurrently; the fsync itself runs
 * outside the lock so that an append never waits for a disk flush.
 */
public final class ReadingSpool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadingSpool.class);
  private static final String SEGMENT_SUFFIX = ".seg";
  private static final String CHECKPOINT = "committed";
  private static final String ID_FILE = "spool.id";
  private static final int HEADER = 8;
  private static final int PAYLOAD_FIXED = 20;
  private static final int READING_MAX = 4 + 12 + 1 + 12 + 8 + 8;

  private final SpoolConfig config;
  private final Clock clock;
  private final String id;
  private final ArrayList<Segment> segments = new ArrayList<>();
  // pending records in order: {seq, appendedAtMillis, readings}
  private final ArrayDeque<long[]> pending = new ArrayDeque<>();
  private final List<FileChannel> toSync = new ArrayList<>();
  private FileChannel active;
  private long nextSeq;
  private long committed;
  private long bytesUsed;
  private long readingsPending;
  private long recordsDropped;
  private long readingsDropped;
  private long appendsRefused;
  private long recoveredTruncatedBytes;
  private boolean full;
  private boolean dirty;
  private long lastSyncNanos = System.nanoTime();
  // read cursor: the next record to hand out
  private int readSegment;
  private long readPos;
  private FileChannel readChannel;
  private Segment readChannelSegment;

  private static final class Segment {
    final Path path;
    final long firstSeq;
    long lastSeq;
    long size;

    Segment(Path path, long firstSeq) {
      this.path = path;
      this.firstSeq = firstSeq;
      this.lastSeq = firstSeq - 1;
    }
  }

  private ReadingSpool(SpoolConfig config, Clock clock, String id) {
    this.config = config;
    this.clock = clock;
    this.id = id;
  }

  /**
   * Opens (or creates) the spool in {@link SpoolConfig#dir()}, recovering from a crash: torn or
   * corrupt tails are truncated, committed segments deleted, and the read cursor set to the first
   * uncommitted record.
   */
  public static ReadingSpool open(SpoolConfig config, Clock clock) throws IOException {
    Objects.requireNonNull(config, "config");
    Files.createDirectories(config.dir());
    Path idFile = config.dir().resolve(ID_FILE);
    String id;
    if (Files.exists(idFile)) {
      id = Files.readString(idFile, StandardCharsets.US_ASCII).trim();
    } else {
      id = UUID.randomUUID().toString();
      writeAtomically(config.dir(), ID_FILE, (id + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    ReadingSpool spool = new ReadingSpool(config, clock, id);
    spool.recover();
    return spool;
  }

  /** The settings it was opened with. */
  public SpoolConfig config() {
    return config;
  }

  /** The id that names this spool (and its sequence numbers) to the database. */
  public String id() {
    return id;
  }

  /** The sequence number of the last appended batch (0 before any). */
  public synchronized long lastSeq() {
    return nextSeq - 1;
  }

  /** The last committed sequence number (0 before any). */
  public synchronized long committedSeq() {
    return committed;
  }

  /**
   * Appends one batch at the end. It is on disk at the next {@link #syncIfDue()} (at once when the
   * fsync interval is 0). At the cap, {@code dropOldest} deletes the oldest segment first;
   * {@code stopAcquiring} refuses.
   *
   * @return the batch's sequence number
   * @throws SpoolFullException when the cap is reached and the policy is stopAcquiring
   */
  public long append(List<Reading> readings) throws IOException, SpoolFullException {
    FileChannel force;
    long seq;
    synchronized (this) {
      ByteBuffer record = encode(nextSeq, clock.millis(), readings);
      int size = record.remaining();
      while (bytesUsed + size > config.capBytes()) {
        if (!full) {
          full = true;
          LOG.error("spool full, alarm raised: dir={}, bytesUsed={}, capBytes={}, policy={}",
              config.dir(), bytesUsed, config.capBytes(), config.fullPolicy());
        }
        if (config.fullPolicy() == SpoolConfig.FullPolicy.STOP_ACQUIRING || segments.size() < 2) {
          appendsRefused++;
          throw new SpoolFullException("spool full: bytesUsed=" + bytesUsed + ", capBytes="
              + config.capBytes() + ", policy=" + config.fullPolicy());
        }
        dropOldestSegment();
      }
      Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
      if (last == null || (last.size > 0 && last.size + size > config.segmentBytes())) {
        last = roll();
      }
      writeFully(active, record, last.size);
      last.size += size;
      last.lastSeq = nextSeq;
      bytesUsed += size;
      pending.addLast(new long[] {nextSeq, clock.millis(), readings.size()});
      readingsPending += readings.size();
      seq = nextSeq++;
      dirty = true;
      force = config.fsyncIntervalMs() == 0 ? active : null;
    }
    if (force != null) {
      sync();
    }
    return seq;
  }

  /** Forces appended records to disk when the fsync interval has passed since the last force. */
  public void syncIfDue() throws IOException {
    if (System.nanoTime() - lastSyncNanos >= TimeUnit.MILLISECONDS.toNanos(config.fsyncIntervalMs())) {
      sync();
    }
  }

  /** Forces every appended record to disk now. */
  public void sync() throws IOException {
    List<FileChannel> channels;
    synchronized (this) {
      lastSyncNanos = System.nanoTime();
      if (!dirty && toSync.isEmpty()) {
        return;
      }
      dirty = false;
      channels = new ArrayList<>(toSync);
      toSync.clear();
      if (active != null) {
        channels.add(active);
      }
    }
    // outside the lock: appends go on into the page cache while the disk flushes
    for (FileChannel c : channels) {
      if (c.isOpen()) {
        c.force(false);
      }
      if (c != active) {
        c.close();
      }
    }
  }

  /**
   * The next records after those already handed out, in order, up to about {@code maxReadings}
   * readings (always at least one record when any is waiting). Records stay pending until
   * {@link #commit(long)}.
   */
  public synchronized List<SpoolRecord> poll(int maxReadings) throws IOException {
    List<SpoolRecord> out = new ArrayList<>();
    int readings = 0;
    while (readSegment < segments.size()) {
      Segment s = segments.get(readSegment);
      if (readPos >= s.size) {
        if (readSegment == segments.size() - 1) {
          break;
        }
        readSegment++;
        readPos = 0;
        continue;
      }
      if (readChannelSegment != s) {
        closeReadChannel();
        readChannel = FileChannel.open(s.path, StandardOpenOption.READ);
        readChannelSegment = s;
      }
      Decoded d = decode(readChannel, readPos, s.size);
      if (d == null) {
        throw new IOException("spool record corrupt after open: segment=" + s.path + ", pos=" + readPos);
      }
      if (!out.isEmpty() && readings + d.record.readings().size() > maxReadings) {
        break;
      }
      out.add(d.record);
      readings += d.record.readings().size();
      readPos += d.size;
    }
    return out;
  }

  /**
   * Marks every record up to {@code seq} committed: persists the checkpoint and deletes the
   * segments that hold nothing newer. A {@code seq} at or below the committed one changes nothing.
   */
  public void commit(long seq) throws IOException {
    List<Path> delete = new ArrayList<>();
    synchronized (this) {
      if (seq <= committed) {
        return;
      }
      committed = seq;
      while (!pending.isEmpty() && pending.peekFirst()[0] <= seq) {
        readingsPending -= pending.pollFirst()[2];
      }
      writeAtomically(config.dir(), CHECKPOINT, (seq + "\n").getBytes(StandardCharsets.US_ASCII));
      // the active segment stays: it is still being appended to
      while (segments.size() > 1 && segments.get(0).lastSeq <= committed) {
        Segment s = segments.remove(0);
        if (readSegment == 0) {
          // the cursor sat at the end of this segment, not yet moved on
          readPos = 0;
        } else {
          readSegment--;
        }
        bytesUsed -= s.size;
        delete.add(s.path);
        if (readChannelSegment == s) {
          closeReadChannel();
        }
      }
      if (full && bytesUsed < config.capBytes() - config.segmentBytes()) {
        full = false;
        LOG.info("spool no longer full, alarm cleared: dir={}, bytesUsed={}", config.dir(), bytesUsed);
      }
    }
    for (Path p : delete) {
      Files.deleteIfExists(p);
    }
  }

  /** The fill level and counters now. */
  public synchronized SpoolMetrics metrics() {
    long age = pending.isEmpty() ? 0 : Math.max(0, clock.millis() - pending.peekFirst()[1]);
    return new SpoolMetrics(bytesUsed, config.capBytes(), pending.size(), readingsPending, age,
        recordsDropped, readingsDropped, appendsRefused, full, recoveredTruncatedBytes);
  }

  /** Forces what is appended and closes the files. */
  @Override
  public void close() throws IOException {
    sync();
    synchronized (this) {
      closeReadChannel();
      if (active != null) {
        active.close();
        active = null;
      }
    }
  }

  private void dropOldestSegment() throws IOException {
    Segment s = segments.remove(0);
    long records = 0;
    long readings = 0;
    while (!pending.isEmpty() && pending.peekFirst()[0] <= s.lastSeq) {
      long[] p = pending.pollFirst();
      records++;
      readings += p[2];
    }
    readingsPending -= readings;
    recordsDropped += records;
    readingsDropped += readings;
    bytesUsed -= s.size;
    if (readSegment == 0) {
      readPos = 0;
    } else {
      readSegment--;
    }
    if (readChannelSegment == s) {
      closeReadChannel();
    }
    Files.deleteIfExists(s.path);
    LOG.error("spool full, oldest segment dropped: segment={}, records={}, readings={},"
        + " recordsDroppedTotal={}, readingsDroppedTotal={}", s.path.getFileName(), records,
        readings, recordsDropped, readingsDropped);
  }

  private Segment roll() throws IOException {
    if (active != null) {
      toSync.add(active);
      dirty = true;
    }
    Segment s = new Segment(config.dir().resolve(segmentName(nextSeq)), nextSeq);
    active = FileChannel.open(s.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    segments.add(s);
    return s;
  }

  private void recover() throws IOException {
    Path checkpoint = config.dir().resolve(CHECKPOINT);
    committed = Files.exists(checkpoint)
        ? Long.parseLong(Files.readString(checkpoint, StandardCharsets.US_ASCII).trim()) : 0;
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(config.dir(), "*" + SEGMENT_SUFFIX)) {
      ds.forEach(files::add);
    }
    files.sort(null);
    long expected = -1;
    for (Path p : files) {
      String name = p.getFileName().toString();
      long first = Long.parseLong(name.substring(0, name.length() - SEGMENT_SUFFIX.length()));
      Segment s = new Segment(p, first);
      long fileSize = Files.size(p);
      List<long[]> found = new ArrayList<>();
      try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        long pos = 0;
        while (pos < fileSize) {
          Decoded d = decode(c, pos, fileSize);
          if (d == null || d.record.seq() < s.firstSeq || (expected >= 0 && d.record.seq() < expected)) {
            break;
          }
          found.add(new long[] {d.record.seq(), d.record.appendedAt().toEpochMilli(),
              d.record.readings().size(), pos});
          expected = d.record.seq() + 1;
          pos += d.size;
        }
        if (pos < fileSize) {
          recoveredTruncatedBytes += fileSize - pos;
          LOG.warn("spool segment has a torn or corrupt tail, truncated: segment={}, validRecords={},"
              + " truncatedBytes={}", p.getFileName(), found.size(), fileSize - pos);
          c.truncate(pos);
          c.force(true);
        }
        s.size = pos;
      }
      if (!found.isEmpty()) {
        s.lastSeq = found.get(found.size() - 1)[0];
      }
      if (s.lastSeq <= committed || found.isEmpty()) {
        Files.delete(p);
        continue;
      }
      segments.add(s);
      bytesUsed += s.size;
      for (long[] f : found) {
        if (f[0] > committed) {
          pending.addLast(new long[] {f[0], f[1], f[2]});
          readingsPending += f[2];
        }
      }
    }
    nextSeq = Math.max(committed, expected - 1) + 1;
    // read cursor: first record after the checkpoint
    readSegment = 0;
    readPos = 0;
    if (!segments.isEmpty()) {
      Segment first = segments.get(0);
      try (FileChannel c = FileChannel.open(first.path, StandardOpenOption.READ)) {
        while (readPos < first.size) {
          Decoded d = decode(c, readPos, first.size);
          if (d.record.seq() > committed) {
            break;
          }
          readPos += d.size;
        }
      }
      Segment last = segments.get(segments.size() - 1);
      active = FileChannel.open(last.path, StandardOpenOption.WRITE);
    }
    if (nextSeq <= 0) {
      nextSeq = 1;
    }
    LOG.info("spool opened: dir={}, id={}, committedSeq={}, nextSeq={}, segments={},"
        + " recordsPending={}, readingsPending={}, bytesUsed={}, truncatedBytes={}", config.dir(), id,
        committed, nextSeq, segments.size(), pending.size(), readingsPending, bytesUsed,
        recoveredTruncatedBytes);
  }

  private void closeReadChannel() throws IOException {
    if (readChannel != null) {
      readChannel.close();
      readChannel = null;
      readChannelSegment = null;
    }
  }

  private record Decoded(SpoolRecord record, int size) {}

  /** The record at {@code pos}, or null when it is cut short by {@code end} or fails its CRC. */
  private static Decoded decode(FileChannel c, long pos, long end) throws IOException {
    if (end - pos < HEADER) {
      return null;
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    readFully(c, header, pos);
    header.flip();
    int length = header.getInt();
    int crc = header.getInt();
    if (length < PAYLOAD_FIXED || length > end - pos - HEADER) {
      return null;
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    readFully(c, payload, pos + HEADER);
    payload.flip();
    CRC32C check = new CRC32C();
    check.update(payload.duplicate());
    if ((int) check.getValue() != crc) {
      return null;
    }
    long seq = payload.getLong();
    long at = payload.getLong();
    int count = payload.getInt();
    if (count < 0 || count > length / 4) {
      return null;
    }
    List<Reading> readings = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        int tagId = payload.getInt();
        Instant source = Instant.ofEpochSecond(payload.getLong(), payload.getInt());
        byte flags = payload.get();
        Instant server = (flags & 1) != 0 ? Instant.ofEpochSecond(payload.getLong(), payload.getInt()) : null;
        Double value = (flags & 2) != 0 ? payload.getDouble() : null;
        long status = payload.getLong();
        readings.add(new Reading(tagId, source, server, value, status));
      }
    } catch (RuntimeException e) {
      // a checksum collision on garbage; treat as corrupt
      return null;
    }
    return new Decoded(new SpoolRecord(seq, Instant.ofEpochMilli(at), readings), HEADER + length);
  }

  private static ByteBuffer encode(long seq, long atMillis, List<Reading> readings) {
    ByteBuffer b = ByteBuffer.allocate(HEADER + PAYLOAD_FIXED + readings.size() * READING_MAX);
    b.position(HEADER);
    b.putLong(seq).putLong(atMillis).putInt(readings.size());
    for (Reading r : readings) {
      b.putInt(r.tagId());
      b.putLong(r.sourceTime().getEpochSecond()).putInt(r.sourceTime().getNano());
      b.put((byte) ((r.serverTime() != null ? 1 : 0) | (r.value() != null ? 2 : 0)));
      if (r.serverTime() != null) {
        b.putLong(r.serverTime().getEpochSecond()).putInt(r.serverTime().getNano());
      }
      if (r.value() != null) {
        b.putDouble(r.value());
      }
      b.putLong(r.statusCode());
    }
    int end = b.position();
    CRC32C crc = new CRC32C();
    crc.update(b.array(), HEADER, end - HEADER);
    b.putInt(0, end - HEADER).putInt(4, (int) crc.getValue());
    b.position(0).limit(end);
    return b;
  }

  private static void writeFully(FileChannel c, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      pos += c.write(b, pos);
    }
  }

  private static void readFully(FileChannel c, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = c.read(b, pos + b.position());
      if (n < 0) {
        throw new IOException("unexpected end of spool file");
      }
    }
  }

  static String segmentName(long firstSeq) {
    return String.format("%020d%s", firstSeq, SEGMENT_SUFFIX);
  }

  private static void writeAtomically(Path dir, String name, byte[] content) throws IOException {
    Path tmp = dir.resolve(name + ".tmp");
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(c, ByteBuffer.wrap(content), 0);
      c.force(true);
    }
    try {
      Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    // the rename is durable only once the directory entry is
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot open a directory; the rename is still atomic
    }
  }
}
