package dev.tollgate.core.token;

import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A signed access token and the facts a token response reports about it.
 *
 * @param audiences its {@code aud} claim, for the token audit
 * @param cnf       what it is bound to (RFC 7800 {@code cnf}); {@link Confirmation#NONE} for a bearer token
 */
public record IssuedToken(String value, String jti, ScopeSet scopes, List<String> audiences, Duration lifetime,
                          Instant expiresAt, Confirmation cnf) {

    public IssuedToken {
        audiences = List.copyOf(audiences);
        cnf = cnf == null ? Confirmation.NONE : cnf;
    }

    /** A bearer token. */
    public IssuedToken(String value, String jti, ScopeSet scopes, List<String> audiences, Duration lifetime,
                       Instant expiresAt) {
        this(value, jti, scopes, audiences, lifetime, expiresAt, Confirmation.NONE);
    }

    /** RFC 9449 §5.1 {@code token_type}: {@code DPoP} for a DPoP-bound token, else {@code Bearer}. */
    public String tokenType() {
        return cnf.jkt() == null ? "Bearer" : "DPoP";
    }

    @Override
    public String toString() {
        return "IssuedToken[jti=" + jti + ", scopes=" + scopes + ", audiences=" + audiences + ", expiresAt=" + expiresAt + "]";
    }
}
