package dev.tollgate.core.audit;

import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.StoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Writes token events (issued, refused) with group commit: concurrent callers' events go to the
 * store in one batch, and each caller returns only once its event is committed, so a crash loses
 * no event whose token response was sent, while the store sees one write per batch rather than
 * one per token. Admin changes do not come through here: they are written in the transaction of
 * the change itself.
 *
 * <p>No thread of its own: a caller queues its events, then takes the write lock; whoever holds
 * it takes everything queued (up to {@code maxBatch} events at a time), calls
 * {@link AuditRepository#append} once per batch until its own events are written, and releases the
 * callers of each batch, with the failure if the write failed. Callers who queued meanwhile find
 * their events written when the lock comes to them. While one caller writes, the next batch
 * gathers, so the batch size follows the load without any timer, and no hand-off to another
 * thread sits on the token path (a dedicated writer thread cost the token endpoint about 15% of its
 * throughput on one core, bench/token-audit.sh, against a store that wrote nothing). The writing
 * caller is usually a virtual thread inside JDBC; since JDK 24 (JEP 491) a driver's
 * {@code synchronized} blocks no longer pin its carrier, and on JDK 21 one carrier is held per
 * write in progress, of which there is at most one.
 *
 * <pre>{@code
 * try (AuditWriter audit = new AuditWriter(store.audit(), 500)) {
 *     audit.append(AuditEvent.of(actor, now, "token.issued", clientId, clientId, null, null, null));
 * }
 * }</pre>
 */
public final class AuditWriter implements AutoCloseable {

    /** One caller's events and the promise it waits on. */
    private record Pending(List<AuditEvent> events, CompletableFuture<Void> written) {
    }

    /** How long a caller waits for the writer ahead of it before giving up on its event being written in time. */
    static final java.time.Duration LOCK_WAIT = java.time.Duration.ofSeconds(5);

    private final java.time.Duration lockWait;
    private final AuditRepository repository;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedCount = new AtomicInteger();
    /** Held by the caller that is writing; the others queue behind it. */
    private final ReentrantLock writing = new ReentrantLock();
    /**
     * Appenders share the read lock to check {@code closed} and enqueue as one step; close takes the
     * write lock, so no event is queued after close has drained the queue.
     */
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private boolean closed;

    public AuditWriter(AuditRepository repository, int maxBatch) {
        this(repository, maxBatch, LOCK_WAIT);
    }

    AuditWriter(AuditRepository repository, int maxBatch, java.time.Duration lockWait) {
        this.lockWait = Objects.requireNonNull(lockWait, "lockWait");
        this.repository = Objects.requireNonNull(repository, "repository");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.maxBatch = maxBatch;
    }

    /**
     * Blocks until {@code event} is committed.
     *
     * @throws dev.tollgate.core.store.StoreException when the batch could not be written
     * @throws IllegalStateException                  after {@link #close()}
     */
    public void append(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        appendAll(List.of(event));
    }

    /** Blocks until all of {@code events} are committed, in one batch. */
    public void appendAll(List<AuditEvent> events) {
        List<AuditEvent> copy = List.copyOf(events);
        if (copy.isEmpty()) {
            return;
        }
        Pending pending = new Pending(copy, new CompletableFuture<>());
        closing.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the audit writer is closed");
            }
            queuedCount.incrementAndGet();
            queue.add(pending);
        } finally {
            closing.readLock().unlock();
        }
        // Not interruptible: the event may already be in the store, and the caller must learn whether it is.
        // Bounded, though: a store that hangs must not hold every token request with it.
        // The interrupt is set aside for the wait and the write, and given back afterwards: left set, it
        // made every tryLock throw at once, so an interrupted caller spun until the deadline and then
        // blamed a healthy store (and a JDBC driver may abandon a statement on it).
        boolean interrupted = Thread.interrupted();
        boolean locked = false;
        try {
            long deadline = System.nanoTime() + lockWait.toNanos();
            while (!locked && !pending.written().isDone()) {
                try {
                    locked = writing.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                if (!locked && System.nanoTime() >= deadline) {
                    break;
                }
            }
            while (locked && !pending.written().isDone()) {
                writeOneBatch();
            }
        } finally {
            if (locked) {
                writing.unlock();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (!pending.written().isDone()) {
            // Still queued: whoever writes next takes it; this caller stops waiting.
            throw new StoreException("audit events not written within " + lockWait.toMillis()
                    + " ms: the store is not answering", null);
        }
        try {
            pending.written().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw new StoreException("audit events were not written: " + cause.getMessage(), cause);
        }
    }

    /** Writes what is queued, then refuses new events. */
    @Override
    public void close() {
        closing.writeLock().lock();
        try {
            closed = true;
        } finally {
            closing.writeLock().unlock();
        }
        writing.lock();
        try {
            while (!queue.isEmpty()) {
                writeOneBatch();
            }
        } finally {
            writing.unlock();
        }
    }

    /** Callers whose events are queued and not yet taken into a batch; for tests that need a batch to gather. */
    int queued() {
        return queuedCount.get();
    }

    /** Takes queued callers up to maxBatch events (a caller's events stay together) and writes them. Under {@link #writing}. */
    private void writeOneBatch() {
        List<Pending> batch = new ArrayList<>();
        List<AuditEvent> events = new ArrayList<>();
        Pending next;
        while ((next = queue.peek()) != null) {
            // A caller's events stay together; a larger appendAll than maxBatch goes alone.
            if (!batch.isEmpty() && events.size() + next.events().size() > maxBatch) {
                break;
            }
            queue.poll();
            queuedCount.decrementAndGet();
            batch.add(next);
            events.addAll(next.events());
            if (events.size() >= maxBatch) {
                break;
            }
        }
        if (!batch.isEmpty()) {
            write(batch, events);
        }
    }

    private void write(List<Pending> batch, List<AuditEvent> events) {
        Throwable failure = null;
        try {
            repository.append(List.copyOf(events));
        } catch (Throwable t) {
            // Even an Error must reach the callers: one that never returns is worse than one that fails.
            failure = t;
        }
        for (Pending pending : batch) {
            if (failure == null) {
                pending.written().complete(null);
            } else {
                pending.written().completeExceptionally(failure);
            }
        }
    }
}
