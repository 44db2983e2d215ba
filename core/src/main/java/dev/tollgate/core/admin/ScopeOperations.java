package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;

import java.util.List;
import java.util.Objects;

import static dev.tollgate.core.admin.Authorizer.authorize;

/**
 * A tenant's scopes. Listing needs {@link Capability#MANAGE_SCOPES} or
 * {@link Capability#MANAGE_CLIENT_CREDENTIALS} (a client form offers them); changes need
 * MANAGE_SCOPES.
 */
public final class ScopeOperations {

    private final Store store;
    private final ScopeAdministration scopes;
    private final AuditTrail audit;

    ScopeOperations(Store store, ScopeAdministration scopes, AuditTrail audit) {
        this.store = store;
        this.scopes = scopes;
        this.audit = audit;
    }

    public List<ScopeDefinition> list(Actor actor, TenantId tenant) {
        authorize(actor, tenant, Capability.MANAGE_SCOPES, Capability.MANAGE_CLIENT_CREDENTIALS);
        return scopes.list(tenant);
    }

    public ScopeDefinition create(Actor actor, TenantId tenant, ScopeDefinition scope) {
        authorize(actor, tenant, Capability.MANAGE_SCOPES);
        Objects.requireNonNull(scope, "scope");
        return store.inTransaction(() -> {
            ScopeDefinition created = scopes.create(tenant, scope);
            audit.scope(actor, AuditAction.SCOPE_CREATE, null, created);
            return created;
        });
    }

    /** Replaces the description. */
    public ScopeDefinition describe(Actor actor, TenantId tenant, ScopeName name, String description) {
        authorize(actor, tenant, Capability.MANAGE_SCOPES);
        ScopeDefinition after = new ScopeDefinition(name, description);
        return store.inTransaction(() -> {
            ScopeDefinition before = store.scopes().find(tenant, name)
                    .orElseThrow(() -> new AdminFailure.NotFound("no scope " + name + " in tenant " + tenant));
            // The repository has no update; a scope is only its name and description, so replace it.
            store.scopes().delete(tenant, name);
            store.scopes().insert(tenant, after);
            audit.scope(actor, AuditAction.SCOPE_UPDATE, before, after);
            return after;
        });
    }

    /** Refused ({@link AdminFailure.Conflict}) while a client holds the scope, and for built-in scopes. */
    public void delete(Actor actor, TenantId tenant, ScopeName name) {
        authorize(actor, tenant, Capability.MANAGE_SCOPES);
        store.inTransaction(() -> {
            // Locked, so a client being granted the scope meanwhile is either seen below or waits and fails.
            ScopeDefinition before = store.scopes().findForUpdate(tenant, name)
                    .orElseThrow(() -> new AdminFailure.NotFound("no scope " + name + " in tenant " + tenant));
            if (BuiltinScopes.contains(name)) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.BUILT_IN,
                        "scope " + name + " is built in and cannot be deleted");
            }
            long holders = store.clients().list(tenant).stream()
                    .map(ClientCredential::allowedScopes)
                    .filter(allowed -> allowed.contains(name))
                    .count();
            if (holders > 0) {
                // The count only: a scope manager need not learn the names of clients it may not see.
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.IN_USE, "scope " + name
                        + " is still allowed for " + holders + " client(s); remove it from them first");
            }
            store.scopes().delete(tenant, name);
            audit.scope(actor, AuditAction.SCOPE_DELETE, before, null);
        });
    }
}
