package dev.tollgate.core.admin;

import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.tollgate.core.admin.Authorizer.authorize;

/** The audit log: read with {@link Capability#VIEW_AUDIT}; an admin's own session events recorded. */
public final class AuditOperations {

    /** Dotted lower-case verbs, as the audit filter's prefix matching expects. */
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

    private final Store store;
    private final Clock clock;

    AuditOperations(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A page of the log, newest first, with the number of events the filter matches. */
    public Page<AuditEvent> query(Actor actor, TenantId tenant, AuditRepository.Filter filter, int offset, int limit) {
        authorize(actor, tenant, Capability.VIEW_AUDIT);
        Paging.require(offset, limit);
        AuditRepository.Filter f = filter == null ? AuditRepository.Filter.ALL : filter;
        return new Page<>(store.audit().query(tenant, f, offset, limit), offset, limit, store.audit().count(tenant, f));
    }

    /**
     * The current names of those of {@code ids} that are a client (its name) or an admin (their
     * username) of the tenant, so the audit log can show a name beside each id it recorded; ids of
     * neither (deleted, or never one) are left out. Needs VIEW_AUDIT only: the log already names
     * the clients and admins it records, and reading it must not need the power to manage them.
     */
    public Map<String, String> names(Actor actor, TenantId tenant, Collection<String> ids) {
        authorize(actor, tenant, Capability.VIEW_AUDIT);
        Set<String> wanted = ids == null ? Set.of() : Set.copyOf(ids);
        Map<String, String> names = new HashMap<>();
        if (wanted.isEmpty()) {
            return names;
        }
        for (ClientCredential client : store.clients().list(tenant)) {
            if (wanted.contains(client.clientId().value())) {
                names.put(client.clientId().value(), client.name());
            }
        }
        for (Admin admin : store.admins().list(tenant)) {
            if (wanted.contains(admin.id())) {
                names.put(admin.id(), admin.username());
            }
        }
        return names;
    }

    /**
     * For an admin's own actions that need no capability (logouts, password changes); see
     * {@link AuditAction#ADMIN_LOGOUT}, {@link AuditAction#ADMIN_PASSWORD_CHANGE}. The target is
     * the actor itself.
     */
    public void record(Actor actor, String action, String detail, Instant at) {
        Objects.requireNonNull(actor, "actor");
        if (action == null || !ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("action must be a dotted lower-case verb such as admin.login");
        }
        AuditEvent event = AuditEvent.of(actor, at == null ? clock.instant() : at, action, null, actor.id(), null,
                null, detail);
        store.inTransaction(() -> store.audit().append(List.of(event)));
    }
}
