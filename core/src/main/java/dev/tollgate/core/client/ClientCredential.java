package dev.tollgate.core.client;

import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A client credential: who a program is, what it may ask for, and how it proves itself.
 * Immutable; every change produces a new value with a fresh {@code updatedAt}.
 *
 * @param introspection whether the client may call the introspection endpoint (RFC 7662 §2.1 leaves who may
 *                      to the server): a permission granted, off unless asked for, so a token holder cannot
 *                      probe other clients' tokens
 * @param builtin       null for custom credentials; set for the two every tenant starts with
 * @param keys          the public keys of a {@code private_key_jwt} client (RFC 7523), or the registered keys of a
 *                      {@code self_signed_tls_client_auth} client (RFC 8705 §2.2); {@link ClientKeys#NONE} otherwise
 * @param tls           the certificate subject of a {@code tls_client_auth} client and whether tokens are
 *                      certificate-bound (RFC 8705); {@link ClientTls#NONE} otherwise
 * @param dpopBound     RFC 9449 §5.2 {@code dpop_bound_access_tokens}: every token request must carry a DPoP
 *                      proof, so every token of this client is bound to a key ({@code cnf.jkt})
 */
public record ClientCredential(
        TenantId tenantId,
        ClientId clientId,
        String name,
        ScopeSet allowedScopes,
        ScopeSet defaultScopes,
        List<String> audiences,
        List<String> authorities,
        Duration tokenTtl,
        Set<ClientAuthMethod> authMethods,
        boolean enabled,
        boolean introspection,
        BuiltinClient builtin,
        List<StoredSecret> secrets,
        ClientKeys keys,
        ClientTls tls,
        Instant createdAt,
        Instant updatedAt,
        boolean dpopBound) {

    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofSeconds(3600);
    public static final Duration MIN_TOKEN_TTL = Duration.ofSeconds(60);
    public static final Duration MAX_TOKEN_TTL = Duration.ofDays(1);
    public static final int MAX_NAME_LENGTH = 200;
    /** A client holds at most two secrets: the current one and, during a rotation, the previous one. */
    public static final int MAX_SECRETS = 2;

    public ClientCredential {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(allowedScopes, "allowedScopes");
        Objects.requireNonNull(defaultScopes, "defaultScopes");
        Objects.requireNonNull(tokenTtl, "tokenTtl");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("client name must not be blank");
        }
        name = name.strip();
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("client name must be at most " + MAX_NAME_LENGTH
                    + " characters without control characters");
        }
        if (!allowedScopes.containsAll(defaultScopes)) {
            throw new IllegalArgumentException("default scopes must be a subset of allowed scopes");
        }
        if (tokenTtl.getNano() != 0) {
            throw new IllegalArgumentException("token lifetime must be whole seconds");
        }
        if (tokenTtl.compareTo(MIN_TOKEN_TTL) < 0 || tokenTtl.compareTo(MAX_TOKEN_TTL) > 0) {
            throw new IllegalArgumentException("token lifetime must be between " + MIN_TOKEN_TTL.toSeconds()
                    + " and " + MAX_TOKEN_TTL.toSeconds() + " seconds");
        }
        audiences = List.copyOf(audiences == null ? List.of() : audiences);
        for (String audience : audiences) {
            requirePrintable(audience, "audience");
        }
        authorities = List.copyOf(authorities == null ? List.of() : authorities);
        for (String authority : authorities) {
            requirePrintable(authority, "authority");
        }
        authMethods = authMethods == null || authMethods.isEmpty()
                ? ClientAuthMethod.SECRET_METHODS
                : Set.copyOf(authMethods);
        secrets = List.copyOf(secrets == null ? List.of() : secrets);
        if (secrets.size() > MAX_SECRETS) {
            throw new IllegalArgumentException("a client holds at most " + MAX_SECRETS + " secrets");
        }
        keys = keys == null ? ClientKeys.NONE : keys;
        tls = tls == null ? ClientTls.NONE : tls;
        // RFC 7591 §2 registers one token_endpoint_auth_method; a key or certificate client has no
        // secret at all, so a leaked database row or a guessed secret can't stand in for its key.
        for (ClientAuthMethod method : authMethods) {
            if (!method.usesSecret()) {
                if (authMethods.size() > 1) {
                    throw new IllegalArgumentException("a " + method.wireName() + " client authenticates with "
                            + method.wireName() + " only");
                }
                if (!secrets.isEmpty()) {
                    throw new IllegalArgumentException("a " + method.wireName() + " client has no secret");
                }
            }
        }
        // RFC 8705 §2.1.2: exactly one subject field names a tls_client_auth client.
        if (authMethods.contains(ClientAuthMethod.TLS_CLIENT_AUTH) && !tls.hasSubject()) {
            throw new IllegalArgumentException("a tls_client_auth client needs a certificate subject"
                    + " (one of tls_client_auth_subject_dn, _san_dns, _san_uri, _san_ip, _san_email)");
        }
        if (authMethods.contains(ClientAuthMethod.FEDERATED_JWT) && !keys.isEmpty()) {
            throw new IllegalArgumentException("a federated_jwt client has no keys: its trusted issuer's keys verify it");
        }
    }

    /** A client without keys (what every secret client is) that does not require DPoP (it may still use it). */
    public ClientCredential(TenantId tenantId, ClientId clientId, String name, ScopeSet allowedScopes,
                            ScopeSet defaultScopes, List<String> audiences, List<String> authorities, Duration tokenTtl,
                            Set<ClientAuthMethod> authMethods, boolean enabled, boolean introspection,
                            BuiltinClient builtin, List<StoredSecret> secrets, Instant createdAt, Instant updatedAt) {
        this(tenantId, clientId, name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, authMethods,
                enabled, introspection, builtin, secrets, ClientKeys.NONE, ClientTls.NONE, createdAt, updatedAt, false);
    }

    /** A client without a TLS registration that does not require DPoP (it may still use it). */
    public ClientCredential(TenantId tenantId, ClientId clientId, String name, ScopeSet allowedScopes,
                            ScopeSet defaultScopes, List<String> audiences, List<String> authorities, Duration tokenTtl,
                            Set<ClientAuthMethod> authMethods, boolean enabled, boolean introspection,
                            BuiltinClient builtin, List<StoredSecret> secrets, ClientKeys keys, Instant createdAt,
                            Instant updatedAt) {
        this(tenantId, clientId, name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, authMethods,
                enabled, introspection, builtin, secrets, keys, ClientTls.NONE, createdAt, updatedAt, false);
    }

    /** A client without a TLS registration. */
    public ClientCredential(TenantId tenantId, ClientId clientId, String name, ScopeSet allowedScopes,
                            ScopeSet defaultScopes, List<String> audiences, List<String> authorities, Duration tokenTtl,
                            Set<ClientAuthMethod> authMethods, boolean enabled, boolean introspection,
                            BuiltinClient builtin, List<StoredSecret> secrets, ClientKeys keys, Instant createdAt,
                            Instant updatedAt, boolean dpopBound) {
        this(tenantId, clientId, name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, authMethods,
                enabled, introspection, builtin, secrets, keys, ClientTls.NONE, createdAt, updatedAt, dpopBound);
    }

    /** A client that does not require DPoP (it may still use it). */
    public ClientCredential(TenantId tenantId, ClientId clientId, String name, ScopeSet allowedScopes,
                            ScopeSet defaultScopes, List<String> audiences, List<String> authorities, Duration tokenTtl,
                            Set<ClientAuthMethod> authMethods, boolean enabled, boolean introspection,
                            BuiltinClient builtin, List<StoredSecret> secrets, ClientKeys keys, ClientTls tls,
                            Instant createdAt, Instant updatedAt) {
        this(tenantId, clientId, name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, authMethods,
                enabled, introspection, builtin, secrets, keys, tls, createdAt, updatedAt, false);
    }

    /** The one method a client is registered with, as RFC 7591 {@code token_endpoint_auth_method} names it. */
    public ClientAuthMethod tokenEndpointAuthMethod() {
        for (ClientAuthMethod method : authMethods) {
            if (!method.usesSecret()) {
                return method;
            }
        }
        if (authMethods.contains(ClientAuthMethod.FEDERATED_JWT)) {
            return ClientAuthMethod.FEDERATED_JWT;
        }
        return authMethods.contains(ClientAuthMethod.CLIENT_SECRET_BASIC)
                ? ClientAuthMethod.CLIENT_SECRET_BASIC : ClientAuthMethod.CLIENT_SECRET_POST;
    }

    private static void requirePrintable(String value, String what) {
        if (value == null || value.isEmpty() || value.length() > 512
                || value.chars().anyMatch(c -> c < 0x21 || c > 0x7E)) {
            throw new IllegalArgumentException(what + " must be 1-512 printable ASCII characters without spaces");
        }
    }

    /** The secrets a presented secret is checked against at {@code now}: a rotation's two fall out naturally. */
    public List<StoredSecret> activeSecrets(Instant now) {
        return secrets.stream().filter(s -> s.isActiveAt(now)).toList();
    }

    public ClientCredential withEnabled(boolean newEnabled, Instant now) {
        return new ClientCredential(tenantId, clientId, name, allowedScopes, defaultScopes, audiences, authorities,
                tokenTtl, authMethods, newEnabled, introspection, builtin, secrets, keys, tls, createdAt, now, dpopBound);
    }

    public ClientCredential withSecrets(List<StoredSecret> newSecrets, Instant now) {
        return new ClientCredential(tenantId, clientId, name, allowedScopes, defaultScopes, audiences, authorities,
                tokenTtl, authMethods, enabled, introspection, builtin, newSecrets, keys, tls, createdAt, now, dpopBound);
    }

    public ClientCredential withScopes(ScopeSet allowed, ScopeSet defaults, Instant now) {
        return new ClientCredential(tenantId, clientId, name, allowed, defaults, audiences, authorities,
                tokenTtl, authMethods, enabled, introspection, builtin, secrets, keys, tls, createdAt, now, dpopBound);
    }

    public ClientCredential withKeys(ClientKeys newKeys, Instant now) {
        return new ClientCredential(tenantId, clientId, name, allowedScopes, defaultScopes, audiences, authorities,
                tokenTtl, authMethods, enabled, introspection, builtin, secrets, newKeys, tls, createdAt, now, dpopBound);
    }

    public ClientCredential withTls(ClientTls newTls, Instant now) {
        return new ClientCredential(tenantId, clientId, name, allowedScopes, defaultScopes, audiences, authorities,
                tokenTtl, authMethods, enabled, introspection, builtin, secrets, keys, newTls, createdAt, now, dpopBound);
    }

    public ClientCredential withDpopBound(boolean required, Instant now) {
        return new ClientCredential(tenantId, clientId, name, allowedScopes, defaultScopes, audiences, authorities,
                tokenTtl, authMethods, enabled, introspection, builtin, secrets, keys, tls, createdAt, now, required);
    }

    /** Whether this client's tokens are always bound to its TLS certificate (RFC 8705 §3). */
    public boolean certificateBoundTokens() {
        return tls.boundTokens() || tokenEndpointAuthMethod().usesCertificate();
    }

    public boolean isBuiltin() {
        return builtin != null;
    }
}
