package dev.tollgate.core.store;

import dev.tollgate.core.tenant.TenantId;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link TokenCountRepository} over a map, for {@link InMemoryStore}; every call is atomic. */
final class InMemoryTokenCountRepository implements TokenCountRepository {

    private record Row(TenantId tenant, String clientId, Instant minute, Outcome outcome) {
    }

    private final Map<Row, Long> rows = new HashMap<>();

    @Override
    public synchronized void add(List<Count> counts) {
        for (Count c : counts) {
            rows.merge(new Row(c.tenant(), c.clientId(), c.minute(), c.outcome()), c.n(), Long::sum);
        }
    }

    @Override
    public synchronized long[] perBucket(TenantId tenant, String clientId, Outcome outcome, Instant from, Instant to,
                                         Duration bucket) {
        long[] counts = new long[TokenCountRepository.bucketCount(from, to, bucket)];
        long bucketNanos = bucket.toNanos();
        rows.forEach((row, n) -> {
            if (row.tenant().equals(tenant) && row.clientId().equals(clientId) && row.outcome() == outcome
                    && !row.minute().isBefore(from) && row.minute().isBefore(to)) {
                counts[(int) (Duration.between(from, row.minute()).toNanos() / bucketNanos)] += n;
            }
        });
        return counts;
    }

    @Override
    public synchronized int deleteBefore(Instant before) {
        int size = rows.size();
        rows.keySet().removeIf(row -> row.minute().isBefore(before));
        return size - rows.size();
    }
}
