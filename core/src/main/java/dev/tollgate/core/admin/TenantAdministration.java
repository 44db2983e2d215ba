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
public final class TenantAdministration {

    /** The scopes of the built-in users API, defined in every new tenant. */
    public static final List<ScopeDefinition> BUILTIN_SCOPES = List.of(
            new ScopeDefinition(new ScopeName("users:read"), "Read the tenant's user directory"),
            new ScopeDefinition(new ScopeName("users:write"), "Create, change and delete users"));

    /**
     * The admin API's scopes, one per {@link Capability}, defined in every new tenant (a migration
     * adds the same to tenants created before). No client holds them until an admin grants them.
     */
    public static final List<ScopeDefinition> ADMIN_SCOPES = Arrays.stream(Capability.values())
            .map(c -> new ScopeDefinition(c.scope(), describe(c)))
            .toList();

    private static String describe(Capability capability) {
        return switch (capability) {
            case MANAGE_CLIENT_CREDENTIALS -> "Admin API: manage client credentials";
            case MANAGE_SCOPES -> "Admin API: define and delete scopes";
            case MANAGE_USERS -> "Admin API: manage the user directory";
            case MANAGE_ADMINS -> "Admin API: manage admins and their capabilities";
            case VIEW_AUDIT -> "Admin API: read the audit log";
        };
    }

    /** Whether {@code scope} is one every tenant defines, which cannot be deleted. */
    public static boolean isBuiltinScope(ScopeName scope) {
        return BUILTIN_SCOPES.stream().anyMatch(s -> s.name().equals(scope)) || Capability.fromScope(scope).isPresent();
    }

    /** A new tenant and the secrets of its two default credentials, shown once. */
    public record ProvisionedTenant(Tenant tenant, List<ClientWithSecret> clients) {
    }

    private final Store store;
    private final ClientAdministration clients;
    private final ChangeListener changes;
    private final Clock clock;

    public TenantAdministration(Store store, ClientAdministration clients, ChangeListener changes, Clock clock) {
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
     * @throws dev.tollgate.core.store.DuplicateException when the tenant exists
     */
    public ProvisionedTenant create(TenantId id, String name, TenantSettings settings) {
        ProvisionedTenant created = store.inTransaction(() -> {
            Tenant tenant = new Tenant(id, name, settings, clock.instant());
            store.tenants().insert(tenant);
            for (ScopeDefinition scope : BUILTIN_SCOPES) {
                store.scopes().insert(id, scope);
            }
            for (ScopeDefinition scope : ADMIN_SCOPES) {
                store.scopes().insert(id, scope);
            }
            KeyRotation.initialKeys(id, settings.signingAlgorithm(), clock.instant()).forEach(store.keys()::insert);
            ScopeSet all = ScopeSet.of(BUILTIN_SCOPES.stream().map(ScopeDefinition::name).toList());
            List<ClientWithSecret> defaults = new ArrayList<>();
            for (BuiltinClient builtin : BuiltinClient.values()) {
                defaults.add(clients.createBuiltin(id, builtin, all));
            }
            return new ProvisionedTenant(tenant, defaults);
        });
        changes.tenantChanged(id);
        changes.keysChanged(id);
        return created;
    }

    public Tenant get(TenantId id) {
        return store.tenants().find(id).orElseThrow(() -> new AdminFailure.NotFound("no tenant " + id));
    }

    public List<Tenant> list() {
        return store.tenants().list();
    }

    public Tenant updateSettings(TenantId id, UnaryOperator<TenantSettings> change) {
        Tenant updated = store.inTransaction(() -> {
            Tenant tenant = get(id).withSettings(change.apply(get(id).settings()));
            store.tenants().update(tenant);
            return tenant;
        });
        changes.tenantChanged(id);
        return updated;
    }
}
