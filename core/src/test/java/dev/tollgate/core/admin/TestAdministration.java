package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.SecretHasher;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The package-private writers behind {@link AdminOperations}, opened to tests of other packages
 * (the token path's, the directory's) that need tenants, clients and keys in a state without an
 * actor or an audit trail in the way.
 */
public final class TestAdministration {

    public final Clients clients;
    public final Tenants tenants;
    public final Keys keys;
    public final Scopes scopes;

    public TestAdministration(Store store, SecretHasher hasher, ChangeListener changes, Clock clock) {
        ClientAdministration clientAdministration = new ClientAdministration(store, hasher, changes, clock);
        this.clients = new Clients(clientAdministration);
        this.tenants = new Tenants(new TenantAdministration(store, clientAdministration, changes, clock));
        this.keys = new Keys(new KeyAdministration(store, changes, clock));
        this.scopes = new Scopes(new ScopeAdministration(store));
    }

    public static final class Clients {
        private final ClientAdministration delegate;

        Clients(ClientAdministration delegate) {
            this.delegate = delegate;
        }

        public ClientWithSecret create(TenantId tenant, ClientSpec spec) {
            return delegate.create(tenant, spec);
        }

        public ClientCredential get(TenantId tenant, ClientId id) {
            return delegate.get(tenant, id);
        }

        public List<ClientCredential> list(TenantId tenant) {
            return delegate.list(tenant);
        }

        public ClientWithSecret rotateSecret(TenantId tenant, ClientId id, Duration overlap) {
            return delegate.rotateSecret(tenant, id, overlap);
        }

        public ClientCredential update(TenantId tenant, ClientId id, ClientUpdate update) {
            return delegate.update(tenant, id, update);
        }

        public ClientCredential revokePreviousSecret(TenantId tenant, ClientId id) {
            return delegate.revokePreviousSecret(tenant, id);
        }

        public ClientCredential setEnabled(TenantId tenant, ClientId id, boolean enabled) {
            return delegate.setEnabled(tenant, id, enabled);
        }

        public ClientCredential setScopes(TenantId tenant, ClientId id, ScopeSet allowed, ScopeSet defaults) {
            return delegate.setScopes(tenant, id, allowed, defaults);
        }

        public void delete(TenantId tenant, ClientId id) {
            delegate.delete(tenant, id);
        }
    }

    public static final class Tenants {
        private final TenantAdministration delegate;

        Tenants(TenantAdministration delegate) {
            this.delegate = delegate;
        }

        public ProvisionedTenant create(TenantId id, String name, TenantSettings settings) {
            return delegate.create(id, name, settings, tenant -> { });
        }

        public Tenant get(TenantId id) {
            return delegate.get(id);
        }

        public List<Tenant> list() {
            return delegate.list();
        }

        public Tenant updateSettings(TenantId id, UnaryOperator<TenantSettings> change) {
            return delegate.updateSettings(id, change, (before, after) -> { });
        }
    }

    public static final class Keys {
        private final KeyAdministration delegate;

        Keys(KeyAdministration delegate) {
            this.delegate = delegate;
        }

        public List<SigningKey> list(TenantId tenant) {
            return delegate.list(tenant);
        }

        public List<SigningKey> rotate(TenantId tenant) {
            List<SigningKey> rotated = delegate.rotate(tenant);
            delegate.announce(tenant);
            return rotated;
        }
    }

    public static final class Scopes {
        private final ScopeAdministration delegate;

        Scopes(ScopeAdministration delegate) {
            this.delegate = delegate;
        }

        public ScopeDefinition create(TenantId tenant, ScopeDefinition scope) {
            return delegate.create(tenant, scope);
        }

        public List<ScopeDefinition> list(TenantId tenant) {
            return delegate.list(tenant);
        }
    }
}
