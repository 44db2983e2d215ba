package dev.tollgate.core.admin;

import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;

import java.util.List;

/** Defines a tenant's scopes. */
final class ScopeAdministration {

    private final Store store;

    ScopeAdministration(Store store) {
        this.store = store;
    }

    /** @throws dev.tollgate.core.store.DuplicateException when the tenant already defines it */
    public ScopeDefinition create(TenantId tenant, ScopeDefinition scope) {
        store.inTransaction(() -> {
            requireTenant(tenant);
            store.scopes().insert(tenant, scope);
        });
        return scope;
    }

    public List<ScopeDefinition> list(TenantId tenant) {
        requireTenant(tenant);
        return store.scopes().list(tenant);
    }

    private void requireTenant(TenantId tenant) {
        if (store.tenants().find(tenant).isEmpty()) {
            throw new AdminFailure.NotFound("no tenant " + tenant);
        }
    }
}
