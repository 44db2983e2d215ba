package dev.tollgate.core.admin;

import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.util.List;

/**
 * A change to a client's settings; a null field stays as it is.
 *
 * @param dpopBound RFC 9449 §5.2 {@code dpop_bound_access_tokens}
 */
public record ClientUpdate(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                           List<String> authorities, Duration tokenTtl, Boolean enabled, Boolean introspection,
                           Boolean dpopBound) {

    /** A change that leaves the DPoP requirement as it is. */
    public ClientUpdate(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                        List<String> authorities, Duration tokenTtl, Boolean enabled, Boolean introspection) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, enabled, introspection, null);
    }

    /** A change that leaves the introspection permission as it is. */
    public ClientUpdate(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                        List<String> authorities, Duration tokenTtl, Boolean enabled) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, enabled, null, null);
    }
}
