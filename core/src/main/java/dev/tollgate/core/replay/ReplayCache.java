package dev.tollgate.core.replay;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.core.store.ReplayRepository;
import dev.tollgate.core.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Answers whether a single-use identifier (a client assertion's {@code jti}, RFC 7523 §3 item 7; a
 * DPoP proof's, RFC 9449 §11.1) is used for the first time, across every node sharing the store and
 * across restarts.
 *
 * <p>A bounded in-memory set in front of the store's {@link ReplayRepository}: a replay to the
 * same node is refused from memory without a database round trip (the cheap case an attacker can
 * repeat), and every first use is recorded in the store, whose primary key settles races between
 * nodes. Memory can forget (eviction at {@code maxEntries}, a restart); the store never forgets
 * before {@code expiresAt}, so forgetting costs one round trip, never a replay accepted.
 *
 * <p>Namespaces keep unrelated users apart: {@code "client-assertion:" + tenant + ":" + client}
 * for assertions, one per DPoP key for proofs; an identifier is single-use within its namespace.
 *
 * <pre>{@code
 * ReplayCache replays = new ReplayCache(store.replays(), clock, 100_000);
 * if (!replays.firstUse("client-assertion:" + tenant + ":" + client, jti, exp)) {
 *     refuse("jti already used");
 * }
 * }</pre>
 */
public final class ReplayCache implements AutoCloseable {

    public static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
    public static final long DEFAULT_MAX_ENTRIES = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(ReplayCache.class);

    private final ReplayRepository repository;
    private final Clock clock;
    /** Value: the identifier's expiry in epoch nanoseconds; each entry leaves memory when it expires. */
    private final Cache<String, Long> seen;
    private ScheduledExecutorService pruner;

    public ReplayCache(ReplayRepository repository, Clock clock, long maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.repository = repository;
        this.clock = clock;
        this.seen = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker(clock))
                .expireAfter(Expiry.<String, Long>creating((key, expiresAtNanos) ->
                        Duration.ofNanos(Math.max(0, expiresAtNanos - epochNanos(clock.instant())))))
                .build();
    }

    /**
     * Records the first use of {@code jti} in {@code namespace}, valid until {@code expiresAt}.
     *
     * @return true the first time, false for a replay (or an identifier already expired, which no
     *         one may use)
     * @throws IllegalArgumentException for an empty or too long namespace or jti
     *                                  ({@link ReplayRepository#MAX_NAMESPACE_LENGTH}, {@link ReplayRepository#MAX_JTI_LENGTH})
     * @throws StoreException           when the store could not record it; nothing is recorded then,
     *                                  so the caller answers 503 and the same identifier may be retried
     */
    public boolean firstUse(String namespace, String jti, Instant expiresAt) {
        if (namespace == null || namespace.isEmpty() || namespace.length() > ReplayRepository.MAX_NAMESPACE_LENGTH) {
            throw new IllegalArgumentException("namespace must have 1 to " + ReplayRepository.MAX_NAMESPACE_LENGTH
                    + " characters");
        }
        if (jti == null || jti.isEmpty() || jti.length() > ReplayRepository.MAX_JTI_LENGTH) {
            throw new IllegalArgumentException("jti must have 1 to " + ReplayRepository.MAX_JTI_LENGTH + " characters");
        }
        Instant now = clock.instant();
        if (!expiresAt.isAfter(now)) {
            return false;
        }
        // NUL cannot occur in a namespace we build, so the key is unambiguous.
        String key = namespace + '\0' + jti;
        Long expiry = epochNanos(expiresAt);
        if (seen.asMap().putIfAbsent(key, expiry) != null) {
            return false;
        }
        boolean first;
        try {
            first = repository.record(namespace, jti, expiresAt, now);
        } catch (RuntimeException e) {
            // Not recorded anywhere: forget it here too, so a retry after the outage is not a "replay".
            seen.asMap().remove(key, expiry);
            throw e;
        }
        // Kept in memory either way: another node's first use makes every later one here a replay too.
        return first;
    }

    /** Deletes expired identifiers from the store (memory expires its own). @return rows deleted */
    public int prune() {
        seen.cleanUp();
        return repository.deleteExpired(clock.instant());
    }

    /** Prunes every {@link #PRUNE_EVERY} on a background thread until {@link #close()}. */
    public synchronized void startPruning() {
        if (pruner != null) {
            return;
        }
        pruner = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("tollgate-replay-pruning").daemon(true).factory());
        long millis = PRUNE_EVERY.toMillis();
        pruner.scheduleWithFixedDelay(() -> {
            try {
                prune();
            } catch (RuntimeException e) {
                // An outage must not end the schedule; the rows wait for the next run.
                LOG.warn("could not prune used jtis: {}", e.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Identifiers held in memory now (approximate), for tests and metrics. */
    public long size() {
        seen.cleanUp();
        return seen.estimatedSize();
    }

    @Override
    public synchronized void close() {
        if (pruner != null) {
            pruner.shutdownNow();
            pruner = null;
        }
    }

    /** Caffeine's expiry follows the injected clock, so tests move time without sleeping. */
    private static Ticker ticker(Clock clock) {
        return () -> epochNanos(clock.instant());
    }

    private static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
