package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.util.List;

/**
 * What an administrator asks for when creating a client.
 *
 * @param defaultScopes null means "the same as allowed"
 * @param introspection whether the client may introspect tokens; a permission asked for, never assumed
 * @param dpopBound     RFC 9449 §5.2 {@code dpop_bound_access_tokens}: token requests must carry a DPoP proof
 */
public record ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                         List<String> authorities, Duration tokenTtl, boolean introspection, boolean dpopBound) {

    public ClientSpec {
        allowedScopes = allowedScopes == null ? ScopeSet.EMPTY : allowedScopes;
        defaultScopes = defaultScopes == null ? allowedScopes : defaultScopes;
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        authorities = authorities == null ? List.of() : List.copyOf(authorities);
        tokenTtl = tokenTtl == null ? ClientCredential.DEFAULT_TOKEN_TTL : tokenTtl;
    }

    /** A client that does not require DPoP. */
    public ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                      List<String> authorities, Duration tokenTtl, boolean introspection) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, introspection, false);
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
