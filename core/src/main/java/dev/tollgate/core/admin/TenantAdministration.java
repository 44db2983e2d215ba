package dev.tollgate.core.admin;

import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/** Creates tenants with everything a tenant starts with, and changes their settings. */
final class TenantAdministration {

    private final Store store;
    private final ClientAdministration clients;
    private final ChangeListener changes;
    private final Clock clock;

    TenantAdministration(Store store, ClientAdministration clients, ChangeListener changes, Clock clock) {
        this.store = store;
        this.clients = clients;
        this.changes = changes;
        this.clock = clock;
    }

    /**
     * Creates a tenant with the built-in scopes (users API and admin API), a signing key ring
     * (CURRENT and NEXT) and the two default credentials, all in one transaction. The default
     * credentials get the users API's scopes only: admin scopes are granted explicitly.
     *
     * @param recorded writes the change's audit event, in the same transaction
     * @throws AdminFailure.Conflict when the tenant exists
     */
    ProvisionedTenant create(TenantId id, String name, TenantSettings settings,
                             java.util.function.Consumer<Tenant> recorded) {
        ProvisionedTenant created = store.inTransaction(() -> {
            Tenant tenant = new Tenant(id, name, settings, clock.instant());
            try {
                store.tenants().insert(tenant);
            } catch (dev.tollgate.core.store.DuplicateException e) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.DUPLICATE, "tenant " + id + " exists");
            }
            for (ScopeDefinition scope : BuiltinScopes.USERS_API) {
                store.scopes().insert(id, scope);
            }
            for (ScopeDefinition scope : BuiltinScopes.ADMIN_API) {
                store.scopes().insert(id, scope);
            }
            KeyRotation.initialKeys(id, settings.signingAlgorithm(), clock.instant()).forEach(store.keys()::insert);
            ScopeSet all = ScopeSet.of(BuiltinScopes.USERS_API.stream().map(ScopeDefinition::name).toList());
            List<ClientWithSecret> defaults = new ArrayList<>();
            for (BuiltinClient builtin : BuiltinClient.values()) {
                defaults.add(clients.createBuiltin(id, builtin, all));
            }
            recorded.accept(tenant);
            return new ProvisionedTenant(tenant, defaults);
        });
        changes.tenantChanged(id);
        changes.keysChanged(id);
        return created;
    }

    Tenant get(TenantId id) {
        return store.tenants().find(id).orElseThrow(() -> new AdminFailure.NotFound("no tenant " + id));
    }

    List<Tenant> list() {
        return store.tenants().list();
    }

    /** @param recorded writes the change's audit event, in the same transaction */
    Tenant updateSettings(TenantId id, UnaryOperator<TenantSettings> change,
                          java.util.function.BiConsumer<Tenant, Tenant> recorded) {
        Tenant updated = store.inTransaction(() -> {
            Tenant before = get(id);
            Tenant tenant = before.withSettings(change.apply(before.settings()));
            store.tenants().update(tenant);
            recorded.accept(before, tenant);
            return tenant;
        });
        changes.tenantChanged(id);
        return updated;
    }
}
