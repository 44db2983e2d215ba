package dev.tollgate.core.store;

import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;
import java.util.List;

/** A tenant's audit log: appended to, queried, pruned by age; never changed. */
public interface AuditRepository {

    /**
     * Exact-match filters, null meaning any; {@code from} inclusive, {@code to} exclusive.
     *
     * @param actor  an actor id or actor name
     * @param action an action, or a prefix ending in '.' ({@code client.} matches every client action)
     */
    record Filter(String actor, String clientId, String action, Instant from, Instant to) {
        public static final Filter ALL = new Filter(null, null, null, null, null);
    }

    /** Writes all events in one batch; ids are assigned by the store. */
    void append(List<AuditEvent> events);

    /** Newest first (time, then id); {@code offset} and {@code limit} page through that order. */
    List<AuditEvent> query(TenantId tenant, Filter filter, int offset, int limit);

    /** How many events {@link #query} would page through with the same filter. */
    long count(TenantId tenant, Filter filter);

    /** Deletes events older than {@code before}. @return how many */
    int deleteBefore(Instant before);
}
