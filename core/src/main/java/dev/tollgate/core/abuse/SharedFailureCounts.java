package dev.tollgate.core.abuse;

import dev.tollgate.core.store.FailureCountRepository;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Makes one node's per-address failure limit count the failures of every node sharing the store.
 * Behind a load balancer an address's guesses are spread over N nodes; counted per node, the limit
 * would let N times the configured failures through before any node slowed it (issue 13, point 8).
 *
 * <p>Batched, so the token path never touches the store: each {@link #flush} (every second on a
 * server) adds the failures this node recorded since the last one to a row per address
 * (an upsert), then reads the addresses the cluster counts over the free failures and raises this
 * node's counts to them. The limit is therefore approximate: between two flushes each node only
 * knows its own new failures, so up to (N − 1) × (failures per node per flush interval) more
 * failures than configured are answered 401 before every node slows the address.
 */
public final class SharedFailureCounts {

    /** The store's rows outlive their window by at most this long between prunes. */
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    private final FailureCountRepository store;
    private final FailureLimiter limiter;
    private final Clock clock;
    private Instant lastPrune = Instant.MIN;

    /** @param limiter built shared ({@link FailureLimiter#FailureLimiter(FailureLimiter.Settings, Clock, boolean)}) */
    public SharedFailureCounts(FailureCountRepository store, FailureLimiter limiter, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Adds this node's new failures to the store and takes the cluster's counts back. When the store
     * is away the failures are kept for the next flush and the exception says why; the limit then
     * counts this node's failures alone, as without sharing.
     */
    public synchronized void flush() {
        FailureLimiter.Settings settings = limiter.settings();
        Instant now = clock.instant();
        Map<String, Integer> mine = limiter.takeUnshared();
        if (!mine.isEmpty()) {
            try {
                store.add(mine, now, settings.window());
            } catch (RuntimeException e) {
                limiter.returnUnshared(mine);
                throw e;
            }
        }
        int limit = (int) Math.min(Integer.MAX_VALUE, settings.maxKeys());
        for (FailureCountRepository.Failures failures : store.over(settings.freeFailures(),
                now.minus(settings.window()), limit)) {
            limiter.mergeShared(failures.source(), failures.count(), failures.last());
        }
        if (!now.isBefore(lastPrune.plus(PRUNE_EVERY))) {
            store.deleteBefore(now.minus(settings.window()));
            lastPrune = now;
        }
    }
}
