package dev.tollgate.core.admin;

import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.ClientSecret;
import dev.tollgate.core.client.SecretHasher;
import dev.tollgate.core.client.StoredSecret;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Creates and changes client credentials. Secrets are generated here, hashed at once, and handed
 * back exactly once; nothing but the hash is kept.
 */
final class ClientAdministration {

    private final Store store;
    private final SecretHasher hasher;
    private final ChangeListener changes;
    private final Clock clock;

    ClientAdministration(Store store, SecretHasher hasher, ChangeListener changes, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.changes = changes;
        this.clock = clock;
    }

    /**
     * @throws AdminFailure.NotFound        when the tenant does not exist
     * @throws AdminFailure.Invalid     when a scope is not defined in the tenant, or a value is invalid
     */
    public ClientWithSecret create(TenantId tenant, ClientSpec spec) {
        return store.inTransaction(() -> insert(tenant, spec, null));
    }

    ClientWithSecret createBuiltin(TenantId tenant, BuiltinClient builtin, ScopeSet scopes) {
        return insert(tenant, new ClientSpec(builtin.displayName(), scopes, null, null, null, null,
                builtin.introspects()), builtin);
    }

    private ClientWithSecret insert(TenantId tenant, ClientSpec spec, BuiltinClient builtin) {
        requireTenant(tenant);
        requireDefined(tenant, spec.allowedScopes());
        Instant now = clock.instant();
        boolean keyClient = spec.authMethod() != null && !spec.authMethod().usesSecret();
        // A private_key_jwt, mTLS or federated_jwt client has no secret at all (issue 14): nothing to leak,
        // nothing to guess.
        ClientSecret secret = keyClient ? null : ClientSecret.generate();
        ClientCredential client = new ClientCredential(tenant, ClientId.generate(), spec.name(), spec.allowedScopes(),
                spec.defaultScopes(), spec.audiences(), spec.authorities(), spec.tokenTtl(),
                methods(spec.authMethod()), true, spec.introspection(), builtin,
                keyClient ? List.of() : List.of(new StoredSecret(newSecretId(), hasher.hash(secret), now, null)),
                spec.keys(), spec.tls(), now, now, spec.dpopBound());
        store.clients().insert(client);
        return new ClientWithSecret(client, secret);
    }

    /**
     * RFC 7591's single method, as the set the client may use: a secret client keeps both ways of
     * sending its secret (what every client could before registrations named a method).
     */
    private static Set<ClientAuthMethod> methods(ClientAuthMethod registered) {
        return registered != null && !registered.usesSecret() ? Set.of(registered) : ClientAuthMethod.SECRET_METHODS;
    }

    /**
     * Replaces a private_key_jwt client's keys (adds, removes, a new jwks_uri).
     *
     * @throws AdminFailure.Conflict when the client authenticates with a secret
     */
    public ClientCredential setKeys(TenantId tenant, ClientId id, java.util.function.UnaryOperator<ClientKeys> change) {
        ClientCredential updated = store.inTransaction(() -> {
            ClientCredential client = get(tenant, id);
            ClientAuthMethod method = client.tokenEndpointAuthMethod();
            if (method != ClientAuthMethod.PRIVATE_KEY_JWT && method != ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.STATE, "client " + id + " authenticates"
                        + " with " + method.wireName() + "; keys are for private_key_jwt and self_signed_tls_client_auth"
                        + " clients");
            }
            ClientKeys keys;
            try {
                keys = change.apply(client.keys());
            } catch (IllegalArgumentException e) {
                throw AdminFailure.Invalid.of("jwks", e.getMessage());
            }
            ClientCredential changed = client.withKeys(keys, clock.instant());
            store.clients().update(changed);
            return changed;
        });
        changes.clientChanged(tenant, id);
        return updated;
    }

    /**
     * Sets a client's RFC 8705 registration: its certificate subject (tls_client_auth clients only)
     * and whether its tokens are bound to the certificate it presents.
     *
     * @throws AdminFailure.Invalid when a subject is given to, or taken from, a client that can't have it
     */
    public ClientCredential setTls(TenantId tenant, ClientId id, ClientTls tls) {
        ClientCredential updated = store.inTransaction(() -> {
            ClientCredential client = get(tenant, id);
            boolean tlsClient = client.tokenEndpointAuthMethod() == ClientAuthMethod.TLS_CLIENT_AUTH;
            if (tls.hasSubject() != tlsClient) {
                throw AdminFailure.Invalid.of("tls_client_auth_subject_dn", tlsClient
                        ? "a tls_client_auth client needs exactly one certificate subject field"
                        : "a certificate subject is only for tls_client_auth clients; this one uses "
                        + client.tokenEndpointAuthMethod().wireName());
            }
            ClientCredential changed = client.withTls(tls, clock.instant());
            store.clients().update(changed);
            return changed;
        });
        changes.clientChanged(tenant, id);
        return updated;
    }

    public ClientCredential get(TenantId tenant, ClientId id) {
        return store.clients().find(tenant, id)
                .orElseThrow(() -> new AdminFailure.NotFound("no client " + id + " in tenant " + tenant));
    }

    public List<ClientCredential> list(TenantId tenant) {
        requireTenant(tenant);
        return store.clients().list(tenant);
    }

    /**
     * Issues a new secret. The previous one keeps working for {@code overlap} (zero ends it now),
     * so deployments can switch without a window in which nothing works.
     */
    public ClientWithSecret rotateSecret(TenantId tenant, ClientId id, Duration overlap) {
        if (overlap.isNegative()) {
            throw AdminFailure.Invalid.of("overlap_seconds", "must not be negative");
        }
        ClientWithSecret rotated = store.inTransaction(() -> {
            ClientCredential client = get(tenant, id);
            if (!client.tokenEndpointAuthMethod().usesSecret()) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.STATE, "client " + id + " authenticates with "
                        + client.tokenEndpointAuthMethod().wireName() + " and has no secret;"
                        + " change its keys, certificate registration or federation instead");
            }
            Instant now = clock.instant();
            ClientSecret secret = ClientSecret.generate();
            List<StoredSecret> secrets = new ArrayList<>();
            // Only the newest previous secret survives the rotation; an older overlap ends now.
            // Secrets are kept in issue order, so the newest is the last active one (createdAt can tie).
            List<StoredSecret> active = client.activeSecrets(now);
            if (!active.isEmpty() && !overlap.isZero()) {
                secrets.add(active.get(active.size() - 1).expiringAt(now.plus(overlap)));
            }
            secrets.add(new StoredSecret(newSecretId(), hasher.hash(secret), now, null));
            ClientCredential updated = client.withSecrets(secrets, now);
            store.clients().update(updated);
            return new ClientWithSecret(updated, secret);
        });
        changes.clientChanged(tenant, id);
        return rotated;
    }

    /**
     * Changes a client's settings; null fields of {@code update} stay as they are. When the allowed
     * scopes change and no default scopes are given, the defaults shrink to those still allowed.
     *
     * @throws AdminFailure.NotFound        when the client is not in the tenant
     * @throws AdminFailure.Invalid     when a new allowed scope is not defined, or a value is invalid
     */
    public ClientCredential update(TenantId tenant, ClientId id, ClientUpdate update) {
        ClientCredential updated = store.inTransaction(() -> {
            ClientCredential client = get(tenant, id);
            ScopeSet allowed = client.allowedScopes();
            if (update.allowedScopes() != null) {
                requireDefined(tenant, update.allowedScopes());
                allowed = update.allowedScopes();
            }
            ScopeSet defaults;
            if (update.defaultScopes() != null) {
                defaults = update.defaultScopes();
            } else if (update.allowedScopes() != null) {
                ScopeSet still = allowed;
                defaults = ScopeSet.of(client.defaultScopes().asSet().stream().filter(still::contains).toList());
            } else {
                defaults = client.defaultScopes();
            }
            ClientCredential changed = new ClientCredential(tenant, id,
                    update.name() == null ? client.name() : update.name(),
                    allowed, defaults,
                    update.audiences() == null ? client.audiences() : update.audiences(),
                    update.authorities() == null ? client.authorities() : update.authorities(),
                    update.tokenTtl() == null ? client.tokenTtl() : update.tokenTtl(),
                    client.authMethods(),
                    update.enabled() == null ? client.enabled() : update.enabled(),
                    update.introspection() == null ? client.introspection() : update.introspection(),
                    client.builtin(), client.secrets(), client.keys(), client.tls(), client.createdAt(),
                    clock.instant(), update.dpopBound() == null ? client.dpopBound() : update.dpopBound());
            store.clients().update(changed);
            return changed;
        });
        changes.clientChanged(tenant, id);
        return updated;
    }

    /**
     * Ends a rotation's overlap now: only the newest secret works from here on. A client with one
     * secret is returned unchanged.
     */
    public ClientCredential revokePreviousSecret(TenantId tenant, ClientId id) {
        ClientCredential updated = store.inTransaction(() -> {
            ClientCredential client = get(tenant, id);
            if (client.secrets().size() <= 1) {
                return client;
            }
            // Secrets are kept in issue order, so the newest is the last (createdAt can tie).
            ClientCredential changed = client.withSecrets(List.of(client.secrets().get(client.secrets().size() - 1)),
                    clock.instant());
            store.clients().update(changed);
            return changed;
        });
        changes.clientChanged(tenant, id);
        return updated;
    }

    public ClientCredential setEnabled(TenantId tenant, ClientId id, boolean enabled) {
        ClientCredential updated = store.inTransaction(() -> {
            ClientCredential client = get(tenant, id).withEnabled(enabled, clock.instant());
            store.clients().update(client);
            return client;
        });
        changes.clientChanged(tenant, id);
        return updated;
    }

    public ClientCredential setScopes(TenantId tenant, ClientId id, ScopeSet allowed, ScopeSet defaults) {
        ClientCredential updated = store.inTransaction(() -> {
            requireDefined(tenant, allowed);
            ClientCredential client = get(tenant, id).withScopes(allowed, defaults == null ? allowed : defaults,
                    clock.instant());
            store.clients().update(client);
            return client;
        });
        changes.clientChanged(tenant, id);
        return updated;
    }

    /** @throws AdminFailure.Conflict for the two default credentials, which can be rotated but not deleted */
    public void delete(TenantId tenant, ClientId id) {
        store.inTransaction(() -> {
            ClientCredential client = get(tenant, id);
            if (client.isBuiltin()) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.BUILT_IN,
                        "'" + client.name() + "' is a default credential: rotate or disable it instead");
            }
            store.clients().delete(tenant, id);
        });
        changes.clientChanged(tenant, id);
    }

    private void requireTenant(TenantId tenant) {
        if (store.tenants().find(tenant).isEmpty()) {
            throw new AdminFailure.NotFound("no tenant " + tenant);
        }
    }

    private void requireDefined(TenantId tenant, ScopeSet scopes) {
        for (ScopeName scope : scopes) {
            // Locked until the grant commits, so the scope can't be deleted in between (see deleteScope).
            if (store.scopes().findForUpdate(tenant, scope).isEmpty()) {
                throw AdminFailure.Invalid.of("allowed_scopes", "include " + scope + ", which the tenant does not define");
            }
        }
    }

    private static String newSecretId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
