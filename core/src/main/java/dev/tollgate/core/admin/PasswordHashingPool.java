package dev.tollgate.core.admin;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where password hashing runs: a few platform threads, one per permit, shared by every login,
 * password check and new password of the process.
 *
 * <p>Why (issue 11, point 2): a failed login costs about 0.45 CPU-s of PBKDF2, unknown usernames
 * included (equal timing), and the per-address limit does not stop an attacker with many
 * addresses. 33 loopback addresses × 16 threads kept both cores busy and the token endpoint
 * answered 3 requests in 40 s. Bounded here, hashing takes at most {@code permits} cores, and it
 * runs on its own threads rather than on the virtual-thread carriers that serve token requests,
 * where each 0.45 s hash would hold a carrier the scheduler cannot take back.
 *
 * <p>A check that finds every permit taken waits {@code maxWait} at most, then fails with
 * {@link AdminFailure.Throttled} (429 + Retry-After): refusing fast keeps a flood's requests from
 * piling up, and a real admin's retry a second later usually finds a permit. New passwords
 * ({@link #runPatiently}) are asked for by a signed-in admin or the operator, and wait their turn.
 *
 * <pre>{@code
 * PasswordHashingPool pool = new PasswordHashingPool(PasswordHashingPool.defaultPermits());
 * PasswordHasher hasher = new PasswordHasher(PasswordHasher.DEFAULT_ITERATIONS, pool);
 * }</pre>
 */
public final class PasswordHashingPool implements AutoCloseable {

    /** How long a password check waits for a permit before it is refused. */
    public static final Duration MAX_WAIT = Duration.ofMillis(150);
    /** Retry-After of a refused check: a hash takes well under a second, so a permit is free by then. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** How long a new password waits for a permit. */
    static final Duration PATIENT_WAIT = Duration.ofSeconds(30);
    /** Idle hashing threads end after this; a pool that nobody uses costs no thread. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int permitCount;
    private final Semaphore permits;
    private final Duration maxWait;
    private final ThreadPoolExecutor threads;

    /** @param permits hashes at once, at most; each takes a core while it runs */
    public PasswordHashingPool(int permits) {
        this(permits, MAX_WAIT);
    }

    PasswordHashingPool(int permits, Duration maxWait) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1");
        }
        this.permitCount = permits;
        this.permits = new Semaphore(permits, true);
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
        String name = "tollgate-password-hashing-" + POOLS.incrementAndGet() + "-";
        // One thread per permit, so the queue never holds more than the permits let in.
        this.threads = new ThreadPoolExecutor(permits, permits, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name(name, 1).factory());
        this.threads.allowCoreThreadTimeOut(true);
    }

    /** Half the processors, at least one: the other half stays with the token path. */
    public static int defaultPermits() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public int permits() {
        return permitCount;
    }

    /**
     * Runs {@code work} on a hashing thread and waits for its result.
     *
     * @throws AdminFailure.Throttled when no permit frees within {@link #MAX_WAIT}; nothing ran
     */
    <T> T run(Supplier<T> work) {
        return run(work, maxWait);
    }

    /** As {@link #run}, waiting up to {@link #PATIENT_WAIT} for a permit. */
    <T> T runPatiently(Supplier<T> work) {
        return run(work, PATIENT_WAIT.compareTo(maxWait) > 0 ? PATIENT_WAIT : maxWait);
    }

    private <T> T run(Supplier<T> work, Duration wait) {
        try {
            if (!permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AdminFailure.Throttled(RETRY_AFTER, "too many password checks at once; retry shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to hash a password", e);
        }
        CompletableFuture<T> result;
        try {
            // The permit is given back when the hash ends, not when the caller stops waiting.
            result = CompletableFuture.supplyAsync(() -> {
                try {
                    return work.get();
                } finally {
                    permits.release();
                }
            }, threads);
        } catch (RejectedExecutionException e) {
            permits.release();
            throw new IllegalStateException("password hashing has shut down", e);
        }
        try {
            // A virtual thread waiting here unmounts: its carrier serves other requests meanwhile.
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Stops the hashing threads once the hashes running now are done; later ones fail. */
    @Override
    public void close() {
        threads.shutdown();
    }
}
