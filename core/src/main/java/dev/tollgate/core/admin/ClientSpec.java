package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.util.List;

/**
 * What an administrator asks for when creating a client.
 *
 * @param defaultScopes null means "the same as allowed"
 * @param introspection whether the client may introspect tokens; a permission asked for, never assumed
 * @param authMethod    RFC 7591 {@code token_endpoint_auth_method}; null means a secret (basic or post)
 * @param keys          the public keys of a private_key_jwt client (inline or jwks_uri); null for none
 * @param dpopBound     RFC 9449 §5.2 {@code dpop_bound_access_tokens}: token requests must carry a DPoP proof
 */
public record ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                         List<String> authorities, Duration tokenTtl, boolean introspection,
                         ClientAuthMethod authMethod, ClientKeys keys, boolean dpopBound) {

    public ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                      List<String> authorities, Duration tokenTtl, boolean introspection) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, introspection, null, null, false);
    }

    public ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                      List<String> authorities, Duration tokenTtl, boolean introspection,
                      ClientAuthMethod authMethod, ClientKeys keys) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, introspection, authMethod, keys,
                false);
    }

    public ClientSpec {
        keys = keys == null ? ClientKeys.NONE : keys;
        if (authMethod == ClientAuthMethod.PRIVATE_KEY_JWT && keys.isEmpty()) {
            throw AdminFailure.Invalid.of("jwks", "a private_key_jwt client needs jwks (its public keys) or a jwks_uri");
        }
        if (authMethod != ClientAuthMethod.PRIVATE_KEY_JWT && !keys.isEmpty()) {
            throw AdminFailure.Invalid.of("token_endpoint_auth_method",
                    "keys are only for private_key_jwt clients; set token_endpoint_auth_method to private_key_jwt");
        }
        allowedScopes = allowedScopes == null ? ScopeSet.EMPTY : allowedScopes;
        defaultScopes = defaultScopes == null ? allowedScopes : defaultScopes;
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        authorities = authorities == null ? List.of() : List.copyOf(authorities);
        tokenTtl = tokenTtl == null ? ClientCredential.DEFAULT_TOKEN_TTL : tokenTtl;
    }

    /** A secret client, requiring DPoP or not. */
    public ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                      List<String> authorities, Duration tokenTtl, boolean introspection, boolean dpopBound) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, introspection, null, null,
                dpopBound);
    }

    /** A client that may not introspect. */
    public ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                      List<String> authorities, Duration tokenTtl) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, false);
    }

    public static ClientSpec named(String name, ScopeSet scopes) {
        return new ClientSpec(name, scopes, null, null, null, null);
    }
}
