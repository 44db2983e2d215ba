package dev.tollgate.core.token;

import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A signed access token and the facts a token response reports about it.
 *
 * @param audiences its {@code aud} claim, for the token audit
 */
public record IssuedToken(String value, String jti, ScopeSet scopes, List<String> audiences, Duration lifetime,
                          Instant expiresAt) {

    public IssuedToken {
        audiences = List.copyOf(audiences);
    }

    @Override
    public String toString() {
        return "IssuedToken[jti=" + jti + ", scopes=" + scopes + ", audiences=" + audiences + ", expiresAt=" + expiresAt + "]";
    }
}
