package dev.tollgate.core.admin;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.user.User;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Appends an administrative change's audit event, in the caller's transaction, so the change and
 * its record commit together or not at all. {@code before} and {@code after} are JSON objects with
 * snake_case fields, built by {@link AdminViews} (a client's secrets appear as ids and windows only).
 */
final class AuditTrail {

    private final Store store;
    private final Clock clock;

    AuditTrail(Store store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A change to a client: the client is both the event's client and its target. */
    void client(Actor actor, String action, ClientId client, ClientCredential before, ClientCredential after,
                String detail) {
        append(actor, action, client.value(), client.value(), json(before), json(after), detail);
    }

    void scope(Actor actor, String action, ScopeDefinition before, ScopeDefinition after) {
        ScopeDefinition either = after != null ? after : before;
        append(actor, action, null, either.name().value(), before == null ? null : json(AdminViews.scope(before)),
                after == null ? null : json(AdminViews.scope(after)), null);
    }

    void admin(Actor actor, String action, Admin before, Admin after) {
        Admin either = after != null ? after : before;
        append(actor, action, null, either.id(), json(before), json(after), null);
    }

    void user(Actor actor, String action, User before, User after) {
        User either = after != null ? after : before;
        append(actor, action, null, either.id(), before == null ? null : json(AdminViews.userFields(before)),
                after == null ? null : json(AdminViews.userFields(after)), null);
    }

    /** Anything else: a target by name, with a detail and no object states. */
    void event(Actor actor, String action, String clientId, String target, String detail) {
        append(actor, action, clientId, target, null, null, detail);
    }

    private void append(Actor actor, String action, String clientId, String target, String before, String after,
                        String detail) {
        store.audit().append(List.of(AuditEvent.of(actor, clock.instant(), action, clientId, target, before, after,
                detail)));
    }

    /** What an audit record shows of a client: every setting and its secrets' ids and windows. */
    static String json(ClientCredential client) {
        if (client == null) {
            return null;
        }
        Map<String, Object> json = AdminViews.clientSettings(client);
        json.put("builtin", client.isBuiltin());
        json.put("secrets", AdminViews.secrets(client));
        if (!client.keys().inlineKeys().isEmpty()) {
            json.put("keys", AdminViews.keys(client));
        }
        return JSONObjectUtils.toJSONString(json);
    }

    static String json(Admin admin) {
        return admin == null ? null : json(AdminViews.admin(admin));
    }

    private static String json(Map<String, Object> view) {
        return JSONObjectUtils.toJSONString(view);
    }
}
