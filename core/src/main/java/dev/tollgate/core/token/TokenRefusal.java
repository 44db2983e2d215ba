package dev.tollgate.core.token;

import java.util.Objects;

/**
 * Why a token was not issued.
 *
 * @param error       the OAuth error code the client sees
 * @param description the {@code error_description}: says what to fix, never whether a client id exists
 * @param reason      a finer reason for logs, metrics and audit (clients see only {@code error})
 */
public record TokenRefusal(OAuthErrorCode error, String description, Reason reason) {

    public enum Reason {
        UNKNOWN_TENANT,
        UNKNOWN_CLIENT,
        WRONG_SECRET,
        CLIENT_DISABLED,
        AUTH_METHOD_NOT_ALLOWED,
        QUERY_CREDENTIALS_DISABLED,
        SCOPE_NOT_ALLOWED,
        NO_DEFAULT_SCOPE,
        AUDIENCE_NOT_ALLOWED,
        SIGNING_UNAVAILABLE,
        /** The client requires DPoP (RFC 9449 §5.2 {@code dpop_bound_access_tokens}) and sent no proof. */
        DPOP_REQUIRED,
        /** The DPoP proof failed a check of RFC 9449 §4.3 (refused by the protocol layer). */
        DPOP_PROOF_INVALID,
        /** The DPoP proof lacked the server's current nonce (RFC 9449 §8 use_dpop_nonce). */
        DPOP_NONCE_REQUIRED,
        /** The request's shape was wrong before any policy applied (RFC 6749 §5.2 invalid_request). */
        MALFORMED_REQUEST,
        /** A grant type other than client_credentials (RFC 6749 §5.2 unsupported_grant_type). */
        UNSUPPORTED_GRANT_TYPE,
        /** The brute-force limits refused to check the secret (the server's 429, before the policy). */
        THROTTLED
    }

    public TokenRefusal {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(reason, "reason");
    }

    public static TokenRefusal invalidClient(Reason reason) {
        return new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client authentication failed", reason);
    }

    public boolean isAuthenticationFailure() {
        return error == OAuthErrorCode.INVALID_CLIENT;
    }
}
