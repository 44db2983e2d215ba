package dev.tollgate.core.token;

import java.util.Objects;

/**
 * Why a token was not issued.
 *
 * @param error       the OAuth error code the client sees
 * @param description the {@code error_description}: says what to fix, never whether a client id exists
 * @param reason      a finer reason for logs, metrics and audit (clients see only {@code error})
 * @param detail      the precise cause, for the log and the audit only (never the response), or null;
 *                    e.g. which claim of a client assertion failed which check
 */
public record TokenRefusal(OAuthErrorCode error, String description, Reason reason, String detail) {

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
        THROTTLED,
        // RFC 7523 §3 client assertions (private_key_jwt): each rule its own reason, so metrics tell
        // a client's clock drift from an attack.
        /** Not a signed JWT, a claim of the wrong type, no jti, or an unknown assertion type. */
        ASSERTION_MALFORMED,
        /** iss or sub is not the client id (RFC 7523 §3 items 1 and 2). */
        ASSERTION_ISSUER_MISMATCH,
        /** aud names neither the tenant's issuer nor (where allowed) its token endpoint (item 3). */
        ASSERTION_WRONG_AUDIENCE,
        /** No exp, or exp passed (item 4). */
        ASSERTION_EXPIRED,
        /** exp further ahead than the server's maximum assertion lifetime. */
        ASSERTION_LIFETIME_TOO_LONG,
        /** nbf or iat in the future beyond the clock skew (item 5, 6). */
        ASSERTION_NOT_YET_VALID,
        /** The jti was used before (item 7). */
        ASSERTION_REPLAYED,
        /** none, HMAC, or an algorithm that doesn't fit the key. */
        ASSERTION_ALGORITHM_REFUSED,
        /** No key of the client has the assertion's kid (after a refetch of its jwks_uri). */
        ASSERTION_UNKNOWN_KEY,
        /** The signature does not verify with the key the kid names. */
        ASSERTION_BAD_SIGNATURE,
        /** The client's jwks_uri could not be fetched (timeout, refused address, too large, not a JWK set). */
        CLIENT_KEYS_UNAVAILABLE,
        // RFC 8705 mutual TLS: each check its own reason, for the same cause.
        /** The certificate chain does not lead to one of the tenant's trusted CAs (§2.1), or is malformed. */
        CERTIFICATE_UNTRUSTED,
        /** The certificate (or one in its chain) is expired or not yet valid. */
        CERTIFICATE_EXPIRED,
        /** The certificate does not carry the client's registered subject (§2.1.2). */
        CERTIFICATE_SUBJECT_MISMATCH,
        /** The self-signed certificate's key is none of the client's registered keys (§2.2). */
        CERTIFICATE_UNKNOWN_KEY,
        /** The client's tokens are certificate-bound (§3) and the request presented no certificate. */
        CERTIFICATE_REQUIRED,
        // Workload identity federation (federated_jwt): the platform token's own rules.
        /** The client has no federation binding, or its trusted issuer is gone. */
        FEDERATION_NOT_CONFIGURED,
        /** The token's sub is not the subject the client is bound to. */
        FEDERATION_SUBJECT_MISMATCH,
        /** A required claim (e.g. kubernetes.io/namespace) is missing or has another value. */
        FEDERATION_CLAIM_MISMATCH
    }

    public TokenRefusal(OAuthErrorCode error, String description, Reason reason) {
        this(error, description, reason, null);
    }

    public TokenRefusal {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(reason, "reason");
    }

    public static TokenRefusal invalidClient(Reason reason) {
        return new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client authentication failed", reason);
    }

    /** RFC 6749 §5.2 invalid_client in its own words; the precise cause goes to {@code detail} only. */
    public static TokenRefusal invalidClient(Reason reason, String detail) {
        return new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client authentication failed", reason, detail);
    }

    public boolean isAuthenticationFailure() {
        return error == OAuthErrorCode.INVALID_CLIENT;
    }
}
