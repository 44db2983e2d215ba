package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.util.List;

/**
 * What an administrator asks for when creating a client.
 *
 * @param defaultScopes null means "the same as allowed"
 */
public record ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                         List<String> authorities, Duration tokenTtl) {

    public ClientSpec {
        allowedScopes = allowedScopes == null ? ScopeSet.EMPTY : allowedScopes;
        defaultScopes = defaultScopes == null ? allowedScopes : defaultScopes;
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        authorities = authorities == null ? List.of() : List.copyOf(authorities);
        tokenTtl = tokenTtl == null ? ClientCredential.DEFAULT_TOKEN_TTL : tokenTtl;
    }

    public static ClientSpec named(String name, ScopeSet scopes) {
        return new ClientSpec(name, scopes, null, null, null, null);
    }
}
