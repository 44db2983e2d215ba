package dev.tollgate.core.audit;

import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.store.TokenCountRepository;
import dev.tollgate.core.store.TokenCountRepository.Count;
import dev.tollgate.core.store.TokenCountRepository.Outcome;
import dev.tollgate.core.tenant.TenantId;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tokens issued and refused, counted in memory per tenant, client, minute and outcome, and added to
 * the store by {@link #flush} (every few seconds, and on stop) in one batch: the token path adds
 * to a {@link LongAdder} and never waits on the store, and the store sees one write per flush
 * whatever the load, instead of one row per token.
 *
 * <p>A flush that fails keeps its counts and adds them on the next one; {@code maxUnwritten} bounds
 * how many (tenant, client, minute, outcome) rows wait meanwhile, the oldest minutes given up first
 * and counted in {@link #dropped}. A refusal that names no client of the tenant counts under
 * {@link TokenCountRepository#NO_CLIENT}, so made-up client ids cannot grow the map.
 *
 * <pre>{@code
 * TokenCounters counters = new TokenCounters(store.tokenCounts(), clock, 100_000);
 * counters.record(tenant, clientId, Outcome.ISSUED);   // on the token path
 * counters.flush();                                    // on a timer, and before closing the store
 * }</pre>
 */
public final class TokenCounters {

    private record Key(TenantId tenant, String clientId, long minute, Outcome outcome) {
    }

    private static final Comparator<Key> ORDER = Comparator.comparing((Key k) -> k.tenant().value())
            .thenComparing(Key::clientId).thenComparingLong(Key::minute).thenComparing(Key::outcome);

    private final TokenCountRepository repository;
    private final Clock clock;
    private final int maxUnwritten;
    private final ConcurrentHashMap<Key, LongAdder> live = new ConcurrentHashMap<>();
    /** Counts taken from {@link #live} that the store has not accepted yet; under {@link #flushing}. */
    private final Map<Key, Long> unwritten = new HashMap<>();
    private final ReentrantLock flushing = new ReentrantLock();
    private final LongAdder dropped = new LongAdder();

    public TokenCounters(TokenCountRepository repository, Clock clock, int maxUnwritten) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxUnwritten < 1) {
            throw new IllegalArgumentException("maxUnwritten must be at least 1");
        }
        this.maxUnwritten = maxUnwritten;
    }

    /** Counts one token request of this minute; lock-free, no I/O. */
    public void record(TenantId tenant, String clientId, Outcome outcome) {
        Key key = new Key(tenant, clientId, Math.floorDiv(clock.millis(), 60_000L), outcome);
        LongAdder n = live.get(key);
        if (n == null) {
            n = live.computeIfAbsent(key, k -> new LongAdder());
        }
        n.increment();
    }

    /**
     * Adds everything counted since the last successful flush to the store, in one batch.
     *
     * @throws StoreException when the store refused the batch; its counts are kept for the next flush
     */
    public void flush() {
        flushing.lock();
        try {
            collect();
            if (unwritten.isEmpty()) {
                return;
            }
            List<Key> keys = new ArrayList<>(unwritten.keySet());
            // One order for every node: concurrent flushes of the same rows lock them in the same order
            // and cannot deadlock each other.
            keys.sort(ORDER);
            List<Count> counts = new ArrayList<>(keys.size());
            for (Key k : keys) {
                counts.add(new Count(k.tenant(), k.clientId(), Instant.ofEpochSecond(k.minute() * 60),
                        k.outcome(), unwritten.get(k)));
            }
            try {
                repository.add(counts);
            } catch (RuntimeException e) {
                trimToBound();
                throw e instanceof StoreException se ? se
                        : new StoreException("token counts not written: " + e.getMessage(), e);
            }
            // An ambiguous failure (the commit's answer lost) counts twice on retry; a count is a
            // chart's number, and over-counting a lost answer beats losing a minute.
            unwritten.clear();
        } finally {
            flushing.unlock();
        }
    }

    /** Tokens counted but given up because the store stayed down past {@code maxUnwritten} rows. */
    public long dropped() {
        return dropped.sum();
    }

    /** Moves what the token path counted into {@link #unwritten}; forgets counters of past minutes. */
    private void collect() {
        long current = Math.floorDiv(clock.millis(), 60_000L);
        for (Map.Entry<Key, LongAdder> e : live.entrySet()) {
            LongAdder adder = e.getValue();
            long n = adder.sumThenReset();
            if (n > 0) {
                unwritten.merge(e.getKey(), n, Long::sum);
            } else if (e.getKey().minute() < current - 1) {
                // Idle for a whole flush and at least a minute old: no request computes this key any
                // more. One that found the adder just before the removal has its increment picked
                // up by the sum after it.
                live.remove(e.getKey(), adder);
                long late = adder.sumThenReset();
                if (late > 0) {
                    unwritten.merge(e.getKey(), late, Long::sum);
                }
            }
        }
    }

    private void trimToBound() {
        if (unwritten.size() <= maxUnwritten) {
            return;
        }
        List<Key> oldestFirst = new ArrayList<>(unwritten.keySet());
        oldestFirst.sort(Comparator.comparingLong(Key::minute));
        for (Key k : oldestFirst.subList(0, unwritten.size() - maxUnwritten)) {
            dropped.add(unwritten.remove(k));
        }
    }
}
