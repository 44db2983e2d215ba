package dev.tollgate.core.token;

/**
 * The error codes the token policy refuses with (RFC 6749 §5.2, RFC 8707 §2); the protocol layer
 * maps them to Nimbus error objects and HTTP status codes. Codes only the protocol layer decides
 * (unsupported_grant_type, a malformed request) are Nimbus's {@code OAuth2Error} there, not here.
 */
public enum OAuthErrorCode {
    INVALID_REQUEST("invalid_request"),
    INVALID_CLIENT("invalid_client"),
    INVALID_SCOPE("invalid_scope"),
    INVALID_TARGET("invalid_target"),
    /** RFC 9449 §5: the DPoP proof is missing where the client requires one, or is invalid. */
    INVALID_DPOP_PROOF("invalid_dpop_proof"),
    /** Not a §5.2 code, but the one OAuth uses (RFC 6749 §4.1.2.1) when the server can't serve right now. */
    TEMPORARILY_UNAVAILABLE("temporarily_unavailable");

    private final String code;

    OAuthErrorCode(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
