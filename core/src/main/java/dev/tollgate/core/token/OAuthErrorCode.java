package dev.tollgate.core.token;

/**
 * The token endpoint's error codes (RFC 6749 §5.2, RFC 8707 §2). The policy speaks in these;
 * the protocol layer maps them to Nimbus error objects and HTTP status codes.
 */
public enum OAuthErrorCode {
    INVALID_REQUEST("invalid_request"),
    INVALID_CLIENT("invalid_client"),
    INVALID_GRANT("invalid_grant"),
    UNAUTHORIZED_CLIENT("unauthorized_client"),
    UNSUPPORTED_GRANT_TYPE("unsupported_grant_type"),
    INVALID_SCOPE("invalid_scope"),
    INVALID_TARGET("invalid_target"),
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
