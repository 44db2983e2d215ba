package dev.tollgate.core.store;

import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link AuditRepository} over a list, for {@link InMemoryStore}; every call is atomic. Ids come
 * from a sequence, as from the database's identity column: increasing, never reused.
 */
final class InMemoryAuditRepository implements AuditRepository {

    private static final Comparator<AuditEvent> NEWEST_FIRST = Comparator.comparing(AuditEvent::at)
            .thenComparingLong(AuditEvent::id).reversed();

    /** Like the JDBC store's limit: the array is allocated before anything is counted. */
    private static final int MAX_BUCKETS = 100_000;

    private final AtomicLong ids = new AtomicLong();
    private final List<AuditEvent> events = new ArrayList<>();

    @Override
    public synchronized void append(List<AuditEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        for (AuditEvent event : batch) {
            events.add(event.withId(ids.incrementAndGet()));
        }
    }

    @Override
    public synchronized List<AuditEvent> query(TenantId tenant, Filter filter, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        return events.stream()
                .filter(e -> e.tenantId().equals(tenant) && matches(e, filter))
                .sorted(NEWEST_FIRST)
                .skip(offset)
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized long count(TenantId tenant, Filter filter) {
        return events.stream().filter(e -> e.tenantId().equals(tenant) && matches(e, filter)).count();
    }

    @Override
    public synchronized long[] issuedPerBucket(TenantId tenant, ClientId client, Instant from, Instant to,
                                               Duration bucket) {
        long[] counts = new long[bucketCount(from, to, bucket)];
        long bucketNanos = bucket.toNanos();
        for (AuditEvent e : events) {
            if (e.tenantId().equals(tenant) && client.value().equals(e.clientId()) && "token.issued".equals(e.action())
                    && !e.at().isBefore(from) && e.at().isBefore(to)) {
                counts[(int) (Duration.between(from, e.at()).toNanos() / bucketNanos)]++;
            }
        }
        return counts;
    }

    @Override
    public synchronized int deleteBefore(Instant before) {
        int size = events.size();
        events.removeIf(e -> e.at().isBefore(before));
        return size - events.size();
    }

    /** The same checks as the JDBC store's, so a policy test sees the same refusals. */
    private static int bucketCount(Instant from, Instant to, Duration bucket) {
        if (bucket.isNegative() || bucket.isZero()) {
            throw new IllegalArgumentException("bucket must be positive");
        }
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to must not be before from");
        }
        long count;
        try {
            count = Math.ceilDiv(Duration.between(from, to).toNanos(), bucket.toNanos());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("range or bucket too long to count in nanoseconds", e);
        }
        if (count > MAX_BUCKETS) {
            throw new IllegalArgumentException("at most " + MAX_BUCKETS + " buckets, asked for " + count);
        }
        return (int) count;
    }

    private static boolean matches(AuditEvent e, Filter f) {
        return (f.actor() == null || f.actor().equals(e.actorId()) || f.actor().equals(e.actorName()))
                && (f.clientId() == null || f.clientId().equals(e.clientId()))
                && (f.action() == null || (f.action().endsWith(".")
                        ? e.action().startsWith(f.action()) : f.action().equals(e.action())))
                && (f.from() == null || !e.at().isBefore(f.from()))
                && (f.to() == null || e.at().isBefore(f.to()));
    }
}
