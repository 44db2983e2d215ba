package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenRefusal;

/**
 * A request that can't be served, carrying the OAuth error object the endpoint answers with, the
 * reason metrics and the access log record, and the tenant it was for once that is known (the PAM
 * shape names its tenant in the body, so a failure before that has none).
 */
public final class HttpFailure extends Exception {

    private final ErrorObject error;
    private final TokenRefusal.Reason reason;
    private final TenantId tenant;

    HttpFailure(ErrorObject error) {
        this(error, reasonOf(error), null);
    }

    HttpFailure(String code, String description, int status) {
        this(new ErrorObject(code, description, status));
    }

    HttpFailure(ErrorObject error, TokenRefusal.Reason reason, TenantId tenant) {
        super(error.getDescription(), null, false, false);
        this.error = error;
        this.reason = reason;
        this.tenant = tenant;
    }

    /** A request refused before the policy because its shape was wrong, in the words of {@link TokenRefusal.Reason}. */
    private static TokenRefusal.Reason reasonOf(ErrorObject error) {
        return OAuth2Error.UNSUPPORTED_GRANT_TYPE_CODE.equals(error.getCode())
                ? TokenRefusal.Reason.UNSUPPORTED_GRANT_TYPE : TokenRefusal.Reason.MALFORMED_REQUEST;
    }

    /** The same failure, known to concern {@code tenant}: allocated only on the failure path. */
    HttpFailure forTenant(TenantId tenant) {
        return this.tenant != null ? this : new HttpFailure(error, reason, tenant);
    }

    public ErrorObject error() {
        return error;
    }

    TokenRefusal.Reason reason() {
        return reason;
    }

    /** The tenant the request was for, or null when it was not known when the request failed. */
    TenantId tenant() {
        return tenant;
    }
}
