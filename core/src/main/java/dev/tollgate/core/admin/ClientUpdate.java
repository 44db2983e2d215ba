package dev.tollgate.core.admin;

import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.util.List;

/** A change to a client's settings; a null field stays as it is. */
public record ClientUpdate(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                           List<String> authorities, Duration tokenTtl, Boolean enabled, Boolean introspection) {

    /** A change that leaves the introspection permission as it is. */
    public ClientUpdate(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                        List<String> authorities, Duration tokenTtl, Boolean enabled) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, enabled, null);
    }
}
