package dev.tollgate.core.store;

import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.tenant.TenantId;

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
    public synchronized int deleteBefore(Instant before) {
        int size = events.size();
        events.removeIf(e -> e.at().isBefore(before));
        return size - events.size();
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
