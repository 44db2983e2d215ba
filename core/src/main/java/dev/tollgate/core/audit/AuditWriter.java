package dev.tollgate.core.audit;

import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.StoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Writes token events (issued, refused) with group commit: concurrent callers' events go to the
 * store in one batch, and each caller returns only once its event is committed, so a crash loses
 * no event whose token response was sent, while the store sees one write per batch rather than
 * one per token. Admin changes do not come through here: they are written in the transaction of
 * the change itself.
 *
 * <p>One platform daemon thread writes: it takes whatever is queued (up to {@code maxBatch}
 * events), calls {@link AuditRepository#append} once, and releases every caller of that batch,
 * with the failure if the write failed. While it writes, the next batch gathers, so the batch size
 * follows the load without any timer: one event alone is written at once.
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

    private static final Pending STOP = new Pending(List.of(), new CompletableFuture<>());

    private final AuditRepository repository;
    private final int maxBatch;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /**
     * Appenders share the read lock to check {@code closed} and enqueue as one step; close takes the
     * write lock, so no event can slip into the queue behind the stop marker and wait forever.
     */
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private final Thread writer;
    private boolean closed;

    public AuditWriter(AuditRepository repository, int maxBatch) {
        this.repository = Objects.requireNonNull(repository, "repository");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.maxBatch = maxBatch;
        // A platform thread: JDBC drivers block inside synchronized blocks, which would pin a virtual one.
        this.writer = Thread.ofPlatform().daemon().name("tollgate-audit-writer").start(this::run);
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
            queue.add(pending);
        } finally {
            closing.readLock().unlock();
        }
        try {
            // Not interruptible: the event may already be in the store, and the caller must learn whether it is.
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
            if (!closed) {
                closed = true;
                queue.add(STOP);
            }
        } finally {
            closing.writeLock().unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Callers waiting for the writer to take their events; for tests that need a batch to gather. */
    int queued() {
        return queue.size();
    }

    private void run() {
        Pending carried = null;
        List<Pending> batch = new ArrayList<>();
        List<AuditEvent> events = new ArrayList<>();
        while (true) {
            Pending first;
            if (carried != null) {
                first = carried;
                carried = null;
            } else {
                try {
                    first = queue.take();
                } catch (InterruptedException e) {
                    // Nobody else interrupts this thread; keep serving until close() says stop.
                    continue;
                }
            }
            if (first == STOP) {
                return;
            }
            batch.add(first);
            events.addAll(first.events());
            // A caller's events stay together; a larger appendAll than maxBatch goes alone.
            Pending next;
            while (events.size() < maxBatch && (next = queue.poll()) != null) {
                if (next == STOP || events.size() + next.events().size() > maxBatch) {
                    carried = next;
                    break;
                }
                batch.add(next);
                events.addAll(next.events());
            }
            write(batch, events);
            batch.clear();
            events.clear();
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
