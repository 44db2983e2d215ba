package dev.tollgate.core.admin;

import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;

import java.util.List;
import java.util.function.UnaryOperator;

import static dev.tollgate.core.admin.Authorizer.requireOperator;

/** Tenants, which only the operator creates and configures (from the CLI); each change audited in its tenant. */
public final class TenantOperations {

    private final Store store;
    private final TenantAdministration tenants;
    private final AuditTrail audit;

    TenantOperations(Store store, TenantAdministration tenants, AuditTrail audit) {
        this.store = store;
        this.tenants = tenants;
        this.audit = audit;
    }

    /**
     * A tenant with its built-in scopes, keys and default credentials (see
     * {@link TenantAdministration#create}); a tenant of that id existing already is a
     * {@link AdminFailure.Conflict}.
     */
    public ProvisionedTenant create(Actor actor, TenantId id, String name,
                                                         TenantSettings settings) {
        requireOperator(actor);
        requireActorIn(actor, id);
        return tenants.create(id, name, settings, created -> audit.event(actor, AuditAction.TENANT_CREATE, null,
                id.value(), "name=" + name + " " + settings));
    }

    /** Every tenant: a read for the operator's CLI, which no tenant's admin reaches. */
    public List<Tenant> list() {
        return tenants.list();
    }

    public Tenant updateSettings(Actor actor, TenantId id, UnaryOperator<TenantSettings> change) {
        requireOperator(actor);
        requireActorIn(actor, id);
        return tenants.updateSettings(id, change, (before, after) -> audit.event(actor, AuditAction.TENANT_UPDATE,
                null, id.value(), "before=" + before.settings() + " after=" + after.settings()));
    }

    /** The audit event is the tenant's own: the operator acts in the tenant it names. */
    private static void requireActorIn(Actor actor, TenantId id) {
        if (!actor.tenant().equals(id)) {
            throw new AdminFailure.NotFound("no tenant " + id);
        }
    }
}
