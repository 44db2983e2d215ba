package dev.tollgate.core.audit;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a tenant's audit log: an admin change, or a token issued or refused.
 *
 * @param id        assigned by the store when written; 0 before
 * @param actorKind who acted: ADMIN, CLIENT, CLI, SYSTEM
 * @param actorId   admin id, client id (possibly unknown for a refused token), or {@code cli}
 * @param action    dotted verb, e.g. {@code client.create}, {@code token.issued}, {@code token.refused}
 * @param clientId  the client the event concerns, if any (the filter "by client")
 * @param target    the object changed (client id, scope name, admin id, user id), if any
 * @param address   the request's remote address; null for the CLI
 * @param before    JSON of the object before the change, secrets masked; null when created
 * @param after     JSON after the change, secrets masked; null when deleted
 * @param detail    free text, e.g. a refusal's OAuth error code
 */
public record AuditEvent(long id, TenantId tenantId, Instant at, Actor.Kind actorKind, String actorId,
                         String actorName, String action, String clientId, String target, String address,
                         String before, String after, String detail) {

    public AuditEvent {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actorKind, "actorKind");
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(action, "action");
    }

    /** An event by {@code actor}, not yet written. */
    public static AuditEvent of(Actor actor, Instant at, String action, String clientId, String target,
                                String before, String after, String detail) {
        return new AuditEvent(0, actor.tenant(), at, actor.kind(), actor.id(), actor.name(), action, clientId, target,
                actor.address(), before, after, detail);
    }

    public AuditEvent withId(long newId) {
        return new AuditEvent(newId, tenantId, at, actorKind, actorId, actorName, action, clientId, target, address,
                before, after, detail);
    }
}
