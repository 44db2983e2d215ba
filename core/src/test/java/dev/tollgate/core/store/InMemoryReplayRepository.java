package dev.tollgate.core.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link ReplayRepository} in a map; counts its calls so a test can see which answers came from memory. */
public final class InMemoryReplayRepository implements ReplayRepository {

    private final Map<List<String>, Instant> records = new HashMap<>();
    /** Calls of {@link #record}. */
    public final AtomicInteger recordCalls = new AtomicInteger();
    /** While set, {@link #record} fails as an unreachable database does. */
    public volatile boolean unreachable;

    @Override
    public synchronized boolean record(String namespace, String jti, Instant expiresAt, Instant now) {
        recordCalls.incrementAndGet();
        if (unreachable) {
            throw new StoreUnavailableException("connection refused (test)");
        }
        List<String> key = List.of(namespace, jti);
        Instant existing = records.get(key);
        if (existing != null && existing.isAfter(now)) {
            return false;
        }
        records.put(key, expiresAt);
        return true;
    }

    @Override
    public synchronized int deleteExpired(Instant now) {
        int before = records.size();
        records.values().removeIf(expiresAt -> !expiresAt.isAfter(now));
        return before - records.size();
    }

    public synchronized int size() {
        return records.size();
    }
}
