package dev.tollgate.verifier;

/**
 * Why a token was refused, and the RFC 6750 §3.1 answer a resource server gives for it.
 *
 * <pre>{@code
 * if (verifier.verify(token, Set.of("users:read")) instanceof Verification.Invalid bad) {
 *     response.status(bad.reason().httpStatus());                       // 401, 403 or 503
 *     response.header("WWW-Authenticate", bad.wwwAuthenticate("users-api"));
 * }
 * }</pre>
 */
public enum Reason {
    /** Not a compact JWS, or a header or claims set that does not parse. */
    MALFORMED(Reason.INVALID_TOKEN, 401),
    /** The signature does not verify with the key the header names (a tampered header or payload). */
    BAD_SIGNATURE(Reason.INVALID_TOKEN, 401),
    /** No published key matches the header, even after the one rate-limited JWKS refresh. */
    UNKNOWN_KEY(Reason.INVALID_TOKEN, 401),
    /** {@code alg} is not one this verifier pins: {@code none}, HMAC, or another asymmetric one (RFC 8725 §3.1). */
    ALGORITHM_NOT_ALLOWED(Reason.INVALID_TOKEN, 401),
    /** {@code typ} is not {@code at+jwt} (RFC 9068 §4, RFC 8725 §3.11). */
    WRONG_TYPE(Reason.INVALID_TOKEN, 401),
    WRONG_ISSUER(Reason.INVALID_TOKEN, 401),
    WRONG_AUDIENCE(Reason.INVALID_TOKEN, 401),
    /** {@code exp} is past by more than the clock skew. */
    EXPIRED(Reason.INVALID_TOKEN, 401),
    /** {@code nbf} is ahead by more than the clock skew. */
    NOT_YET_VALID(Reason.INVALID_TOKEN, 401),
    /** {@code customer_id} is not the tenant this verifier serves. */
    WRONG_TENANT(Reason.INVALID_TOKEN, 401),
    /** A claim RFC 9068 §2.2 (or Tollgate's {@code customer_id}) requires is absent or of the wrong type. */
    MISSING_CLAIM(Reason.INVALID_TOKEN, 401),
    /** The token was revoked (RFC 7009), as the configured {@link RevocationCheck} says. */
    REVOKED(Reason.INVALID_TOKEN, 401),
    /**
     * A DPoP-bound token presented as a bearer token (RFC 9449 §7.2), a bearer token presented with
     * the DPoP scheme, or a proof signed by another key than the token's {@code cnf.jkt}.
     */
    DPOP_BOUND_TOKEN(Reason.INVALID_TOKEN, 401),
    /** The DPoP proof fails a check of RFC 9449 §4.3 (RFC 9449 §7.1: 401 invalid_dpop_proof). */
    INVALID_DPOP_PROOF("invalid_dpop_proof", 401),
    /** The DPoP proof lacks the resource server's current nonce (RFC 9449 §9). */
    USE_DPOP_NONCE("use_dpop_nonce", 401),
    /**
     * The token is bound to a TLS client certificate ({@code cnf.x5t#S256}, RFC 8705 §3) and the
     * request presented none, or another one.
     */
    CERTIFICATE_BOUND_TOKEN(Reason.INVALID_TOKEN, 401),
    /** The token is valid but lacks a scope the request needs (RFC 6750 §3.1: 403). */
    INSUFFICIENT_SCOPE("insufficient_scope", 403),
    /**
     * The JWKS could not be fetched: no verdict on the token, so no RFC 6750 error code applies
     * ({@link #error()} is null); answer 503 and let the client retry.
     */
    KEYS_UNAVAILABLE(null, 503);

    private static final String INVALID_TOKEN = "invalid_token";

    private final String error;
    private final int httpStatus;

    Reason(String error, int httpStatus) {
        this.error = error;
        this.httpStatus = httpStatus;
    }

    /** The RFC 6750 §3.1 error code: {@code invalid_token} or {@code insufficient_scope}; null for {@link #KEYS_UNAVAILABLE}. */
    public String error() {
        return error;
    }

    /** The HTTP status to answer with: 401, 403, or 503 for {@link #KEYS_UNAVAILABLE}. */
    public int httpStatus() {
        return httpStatus;
    }
}
