package dev.tollgate.core.client;

import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A valid {@link ClientCredential} to start from; each test changes only what it is about. */
public final class ClientCredentialBuilder {

    public static final Instant CREATED = Instant.parse("2026-03-01T10:00:00Z");

    private TenantId tenantId = TenantId.of("10001");
    private ClientId clientId = new ClientId("billing-service");
    private String name = "Billing service";
    private ScopeSet allowed = ScopeSet.of("users:read", "users:write");
    private ScopeSet defaults = ScopeSet.of("users:read");
    private List<String> audiences = List.of();
    private List<String> authorities = List.of();
    private Duration ttl = ClientCredential.DEFAULT_TOKEN_TTL;
    private Set<ClientAuthMethod> methods = ClientAuthMethod.SECRET_METHODS;
    private ClientKeys keys = ClientKeys.NONE;
    private boolean enabled = true;
    private boolean introspection;
    private BuiltinClient builtin;
    private List<StoredSecret> secrets = new ArrayList<>();

    public static ClientCredentialBuilder aClient() {
        return new ClientCredentialBuilder();
    }

    public ClientCredentialBuilder tenant(TenantId value) {
        tenantId = value;
        return this;
    }

    public ClientCredentialBuilder id(String value) {
        clientId = new ClientId(value);
        return this;
    }

    public ClientCredentialBuilder name(String value) {
        name = value;
        return this;
    }

    public ClientCredentialBuilder allowed(ScopeSet value) {
        allowed = value;
        return this;
    }

    public ClientCredentialBuilder defaults(ScopeSet value) {
        defaults = value;
        return this;
    }

    public ClientCredentialBuilder audiences(List<String> value) {
        audiences = value;
        return this;
    }

    public ClientCredentialBuilder authorities(List<String> value) {
        authorities = value;
        return this;
    }

    public ClientCredentialBuilder ttl(Duration value) {
        ttl = value;
        return this;
    }

    public ClientCredentialBuilder methods(Set<ClientAuthMethod> value) {
        methods = value;
        return this;
    }

    public ClientCredentialBuilder enabled(boolean value) {
        enabled = value;
        return this;
    }

    public ClientCredentialBuilder introspection(boolean value) {
        introspection = value;
        return this;
    }

    public ClientCredentialBuilder builtin(BuiltinClient value) {
        builtin = value;
        return this;
    }

    public ClientCredentialBuilder secrets(List<StoredSecret> value) {
        secrets = new ArrayList<>(value);
        return this;
    }

    public ClientCredentialBuilder secret(SecretHash hash, Instant expiresAt) {
        secrets.add(new StoredSecret("s" + (secrets.size() + 1), hash, CREATED, expiresAt));
        return this;
    }

    /** A private_key_jwt client with these keys and no secret. */
    public ClientCredentialBuilder keys(ClientKeys value) {
        keys = value;
        methods = Set.of(ClientAuthMethod.PRIVATE_KEY_JWT);
        secrets = new ArrayList<>();
        return this;
    }

    public ClientCredential build() {
        return new ClientCredential(tenantId, clientId, name, allowed, defaults, audiences, authorities, ttl, methods,
                enabled, introspection, builtin, secrets, keys, CREATED, CREATED);
    }
}
