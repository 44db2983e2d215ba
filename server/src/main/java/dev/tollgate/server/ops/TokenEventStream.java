package dev.tollgate.server.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The token audit stream: every token event as a JSON line ({@link TokenEvent}), to files under the
 * data directory or to standard output. The token path only offers the event to a bounded queue;
 * one writer thread encodes what is queued and hands it to the operating system in one write at
 * most {@code flushInterval} after the first of them was queued (sooner when a batch grows large),
 * so a process killed outright loses at most the events of the last interval, and a graceful
 * {@link #close} loses none.
 *
 * <p>When the queue is full (the disk slower than the token endpoint for a whole queue's worth of
 * events) the event is dropped, counted ({@link #dropped}, metric
 * {@code tollgate_audit_stream_dropped_total}) and logged at most every 10 s: the token path never
 * waits on disk I/O. The queue holds {@code queueCapacity} events; at 20,000 tokens/s the default
 * is over three seconds of them.
 *
 * <p>No fsync per write: a write reaches the operating system's cache, which survives the process
 * (kill -9, OOM kill) but not the machine; the file is forced to disk on rotation and on close.
 */
public final class TokenEventStream implements AutoCloseable {

    /** Where the lines go. */
    public enum Target { FILE, STDOUT }

    /** Where encoded lines are written; used by the writer thread only. */
    interface Sink extends AutoCloseable {
        void write(ByteBuffer lines) throws IOException;

        @Override
        void close() throws IOException;
    }

    /**
     * @param directory     where {@code tokens.jsonl} and its rotated files live (FILE only); null: the
     *                      server's default ({@link dev.tollgate.server.ServerConfig#tokenStreamDirectory})
     * @param flushInterval longest an event waits in memory before it is written to the OS
     * @param maxFileBytes  a file is rotated before it would grow past this
     * @param maxFiles      rotated files kept, at most
     * @param retention     rotated files older than this are deleted
     * @param queueCapacity events waiting for the writer, at most
     */
    public record Settings(Target target, Path directory, Duration flushInterval, long maxFileBytes, int maxFiles,
                           Duration retention, int queueCapacity) {

        public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
        public static final long DEFAULT_MAX_FILE_BYTES = 100L * 1024 * 1024;
        public static final int DEFAULT_MAX_FILES = 100;
        public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
        public static final int DEFAULT_QUEUE_CAPACITY = 65_536;

        /** @throws IllegalArgumentException one line per setting out of range, each starting with its key */
        public Settings {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(flushInterval, "flushInterval");
            Objects.requireNonNull(retention, "retention");
            List<String> problems = new ArrayList<>();
            if (flushInterval.compareTo(Duration.ofMillis(10)) < 0 || flushInterval.compareTo(Duration.ofMinutes(1)) > 0) {
                problems.add("audit.stream.flush-interval: must be from 10ms to 1m");
            }
            if (maxFileBytes < 1024) {
                problems.add("audit.stream.max-file-size: must be at least 1024 bytes");
            }
            if (maxFiles < 1 || maxFiles > 100_000) {
                problems.add("audit.stream.max-files: must be from 1 to 100000");
            }
            if (retention.compareTo(Duration.ofHours(1)) < 0) {
                problems.add("audit.stream.retention: must be at least 1h");
            }
            if (queueCapacity < 16 || queueCapacity > 10_000_000) {
                problems.add("audit.stream.queue-size: must be from 16 to 10000000");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
        }

        /** Files in {@code directory}, every other setting at its default. */
        public static Settings files(Path directory) {
            return new Settings(Target.FILE, directory, DEFAULT_FLUSH_INTERVAL, DEFAULT_MAX_FILE_BYTES,
                    DEFAULT_MAX_FILES, DEFAULT_RETENTION, DEFAULT_QUEUE_CAPACITY);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TokenEventStream.class);
    /**
     * A batch this large is written without waiting for the interval. Small on purpose: a second's
     * worth of lines at 10,000 tokens/s is megabytes, and a builder of that size (and its copy as
     * bytes) lands in the old generation of a 128 MB heap, where bench/peers.sh saw 0.5 s pauses.
     */
    private static final int WRITE_AT_CHARS = 64 * 1024;
    /** Events taken from the queue at once. */
    private static final int DRAIN_MAX = 4096;
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final ArrayBlockingQueue<TokenEvent> queue;
    private final Sink sink;
    private final long flushNanos;
    /** How often the writer drains the queue: a quarter of the flush interval, at most 50 ms. */
    private final long tickNanos;
    private final Thread writer;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_NANOS);
    private volatile boolean closing;

    /** Opens the target (creating the directory) and starts the writer thread. */
    public static TokenEventStream open(Settings settings, Path directory, Clock clock) {
        Sink sink = settings.target() == Target.STDOUT ? stdout()
                : new TokenStreamFiles(directory, clock, settings.maxFileBytes(), settings.maxFiles(),
                        settings.retention());
        return new TokenEventStream(sink, settings.flushInterval(), settings.queueCapacity());
    }

    TokenEventStream(Sink sink, Duration flushInterval, int queueCapacity) {
        this.sink = sink;
        this.flushNanos = flushInterval.toNanos();
        this.tickNanos = Math.min(flushNanos / 4, TimeUnit.MILLISECONDS.toNanos(50));
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.writer = Thread.ofPlatform().daemon().name("tollgate-token-stream").start(this::run);
    }

    /** Queues {@code event} for the writer; never blocks. @return false when dropped (queue full, or closed) */
    public boolean offer(TokenEvent event) {
        if (!closing && queue.offer(event)) {
            return true;
        }
        dropped.increment();
        long last = lastDropLog.get();
        long now = System.nanoTime();
        if (now - last >= DROP_LOG_INTERVAL_NANOS && lastDropLog.compareAndSet(last, now)) {
            LOG.warn("token audit stream {}: {} events dropped so far", closing ? "closed" : "queue full",
                    dropped.sum());
        }
        return false;
    }

    /** Events not written to the stream: queue full, closed, or a write that failed. */
    public long dropped() {
        return dropped.sum();
    }

    /** Events handed to the operating system. */
    public long written() {
        return written.sum();
    }

    /** Writes everything queued, then stops the writer and closes the target. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warn("token audit stream: the writer did not finish within {}; {} events left unwritten", CLOSE_WAIT,
                    queue.size());
        }
    }

    private void run() {
        StringBuilder batch = new StringBuilder(WRITE_AT_CHARS + 4096);
        List<TokenEvent> taken = new ArrayList<>(1024);
        int pending = 0;
        long firstQueuedAt = 0;
        int drained = 0;
        try {
            while (true) {
                // The writer looks at the queue on a tick instead of waiting on it: a waiting reader
                // is woken by every offer, and on a one-core server each token then paid for two
                // context switches. It sleeps out the tick even when events arrived while it wrote
                // (under load they always have): going straight back to the queue made it spin,
                // taking a few events per pass and the queue's lock from the token path each time,
                // which cost as much CPU as the tokens themselves. Only a full drain, a backlog,
                // skips the sleep.
                if (drained < DRAIN_MAX && !closing) {
                    LockSupport.parkNanos(tickNanos);
                }
                drained = queue.drainTo(taken, DRAIN_MAX);
                if (drained > 0) {
                    if (pending == 0) {
                        // Queued at most one tick ago: counting from then keeps the flush bound.
                        firstQueuedAt = System.nanoTime() - tickNanos;
                    }
                    for (TokenEvent e : taken) {
                        e.writeLine(batch);
                        pending++;
                        if (batch.length() >= WRITE_AT_CHARS) {
                            write(batch, pending);
                            batch.setLength(0);
                            pending = 0;
                            firstQueuedAt = System.nanoTime() - tickNanos;
                        }
                    }
                    taken.clear();
                }
                boolean finishing = closing && queue.isEmpty();
                if (pending > 0 && (finishing || System.nanoTime() - firstQueuedAt >= flushNanos)) {
                    write(batch, pending);
                    batch.setLength(0);
                    pending = 0;
                }
                if (finishing) {
                    break;
                }
            }
        } finally {
            try {
                sink.close();
            } catch (IOException e) {
                LOG.warn("token audit stream: closing failed: {}", e.getMessage());
            }
        }
    }

    /** One write of whole lines, so a process killed mid-way leaves no half line behind. */
    private void write(StringBuilder batch, int events) {
        try {
            sink.write(ByteBuffer.wrap(batch.toString().getBytes(StandardCharsets.UTF_8)));
            written.add(events);
        } catch (IOException | RuntimeException e) {
            dropped.add(events);
            LOG.warn("token audit stream: {} events not written: {}", events, e.toString());
        }
    }

    private static Sink stdout() {
        FileChannel out = new FileOutputStream(FileDescriptor.out).getChannel();
        return new Sink() {
            @Override
            public void write(ByteBuffer lines) throws IOException {
                // Straight to file descriptor 1, past System.out's buffer and lock.
                while (lines.hasRemaining()) {
                    out.write(lines);
                }
            }

            @Override
            public void close() {
                // Standard output stays open for the rest of the process.
            }
        };
    }
}
