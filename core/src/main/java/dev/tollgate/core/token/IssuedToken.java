package dev.tollgate.core.token;

import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.time.Instant;

/** A signed access token and the facts a token response reports about it. */
public record IssuedToken(String value, String jti, ScopeSet scopes, Duration lifetime, Instant expiresAt) {

    @Override
    public String toString() {
        return "IssuedToken[jti=" + jti + ", scopes=" + scopes + ", expiresAt=" + expiresAt + "]";
    }
}
