package dev.tollgate.core.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The token path's reads of the store, bounded in number ({@code permits}) and in time
 * ({@code timeout}), so a store that is away or slow costs a request at most {@code timeout}
 * instead of the pool's connection timeout, and a pile of stalled reads cannot grow past the
 * permits (issue 13: 2-4 s per token while PostgreSQL was stopped, the queue bounded only by the
 * 30 s request deadline).
 *
 * <p>A read runs on a thread of its own and the caller stops waiting at the deadline; the read
 * keeps its permit until it actually ends, so stalled reads use the permits up and later ones are
 * refused at once. While the last read failed ({@link #isDown()}), at most one read at a time
 * probes the store and the others are refused without waiting: an unknown client gets its 503 in
 * microseconds, and the first read that succeeds ends the outage.
 */
public final class StoreReads {

    private static final Logger LOG = LoggerFactory.getLogger(StoreReads.class);
    private static final long UP = Long.MIN_VALUE;

    private final Semaphore permits;
    private final Semaphore probe = new Semaphore(1);
    private final Duration timeout;
    private final Executor executor;
    private final Ticker ticker;
    /** Ticker time of the first failure of the current outage, or {@link #UP}. */
    private final AtomicLong downSince = new AtomicLong(UP);

    /**
     * @param executor runs each read; a virtual thread per read in the server, the caller's thread in
     *                 tests that need refreshes to finish before the next line
     */
    public StoreReads(int permits, Duration timeout, Executor executor, Ticker ticker) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.permits = new Semaphore(permits);
        this.timeout = timeout;
        this.executor = executor;
        this.ticker = ticker;
    }

    public static StoreReads of(int permits, Duration timeout) {
        return new StoreReads(permits, timeout, Executors.newVirtualThreadPerTaskExecutor(), Ticker.systemTicker());
    }

    /** Whether the last read that ended failed: the store is away as far as the token path knows. */
    public boolean isDown() {
        return downSince.get() != UP;
    }

    long timeoutNanos() {
        return timeout.toNanos();
    }

    /** The value {@code read} returns, or {@link StoreUnavailableException} when it failed or took longer than the timeout. */
    public <T> T read(Supplier<T> read) {
        try {
            return readAsync(read).join();
        } catch (CompletionException e) {
            throw unavailable(e.getCause());
        }
    }

    /** {@code read} started on its own thread, completed with its value or its failure, at the latest after the timeout. */
    public <T> CompletableFuture<T> readAsync(Supplier<T> read) {
        boolean probing = isDown();
        if (!acquire(probing)) {
            return CompletableFuture.failedFuture(new StoreUnavailableException(probing
                    ? "the store is unavailable" : "too many store reads in progress"));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicBoolean released = new AtomicBoolean();
        Runnable releaseOnce = () -> {
            if (released.compareAndSet(false, true)) {
                release(probing);
            }
        };
        Runnable task = () -> {
            try {
                T value = read.get();
                succeeded();
                result.complete(value);
            } catch (Throwable e) {
                // Only the store's failures say it is away; anything else (a conflict, a bug) came from a store that answered.
                if (e instanceof StoreException) {
                    failed(e);
                } else {
                    succeeded();
                }
                result.completeExceptionally(e);
            } finally {
                releaseOnce.run();
            }
        };
        try {
            executor.execute(task);
        } catch (RuntimeException e) {
            releaseOnce.run();
            return CompletableFuture.failedFuture(new StoreUnavailableException("store read not started", e));
        }
        return result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((value, failure) -> {
            if (failure instanceof TimeoutException) {
                failed(failure);
                // A probe stuck on a connection that died silently (no socket timeout) must not keep
                // the store "down" for good: the next request probes again, on another connection.
                if (probing) {
                    releaseOnce.run();
                }
            }
        });
    }

    private boolean acquire(boolean probing) {
        if (probing) {
            return probe.tryAcquire();
        }
        try {
            // A short wait, not none: a burst of first requests (500 clients after a restart) is
            // served in turn within the deadline instead of being refused.
            return permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void release(boolean probing) {
        (probing ? probe : permits).release();
    }

    private void succeeded() {
        long since = downSince.getAndSet(UP);
        if (since != UP) {
            LOG.info("store reachable again after {} ms", TimeUnit.NANOSECONDS.toMillis(ticker.read() - since));
        }
    }

    private void failed(Throwable cause) {
        if (downSince.compareAndSet(UP, ticker.read())) {
            LOG.warn("store read failed; serving loaded tenants, clients and keys from memory: {}", cause.toString());
        }
    }

    /** What the caller sees: the read's own failure as it was, or the timeout as the store being unavailable. */
    private RuntimeException unavailable(Throwable cause) {
        if (cause instanceof TimeoutException) {
            return new StoreUnavailableException("the store did not answer within " + timeout.toMillis() + " ms");
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new StoreUnavailableException("store read failed: " + cause, cause);
    }
}
