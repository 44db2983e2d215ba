package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.PresentedCredentials;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.server.admin.SessionCookie;
import dev.tollgate.server.ops.Metrics;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A form POST to a per-tenant endpoint that a client calls with its own credentials
 * (introspection, revocation), read and authenticated exactly as the token endpoint does it.
 */
record AuthenticatedRequest(TenantId tenant, ClientCredential client, Map<String, List<String>> params) {

    private static final String FORM = "application/x-www-form-urlencoded";

    /**
     * @param endpoint the metrics tag of the calling endpoint: {@code introspect} or {@code revoke}
     * @throws HttpFailure with the RFC 6749 §5.2 error to answer (401 invalid_client when authentication
     *                     failed, 429 when the brute-force limits refused to try)
     */
    static AuthenticatedRequest read(ServerRequest request, ServerResponse response, TokenService tokens,
                                     ClientAuthenticationGuard guard, Metrics metrics, String endpoint,
                                     int maxBodyBytes) throws HttpFailure {
        TenantId tenant = tenant(request);
        if (request.prologue().method() != Method.POST) {
            // RFC 9110 §15.5.6: a 405 must say which methods are allowed.
            response.header(HeaderNames.ALLOW, "POST");
            throw new HttpFailure(new ErrorObject(OAuth2Error.INVALID_REQUEST_CODE, "this endpoint accepts POST only",
                    405));
        }
        String body = RequestBody.read(request, maxBodyBytes);
        if (!body.isEmpty() && !TokenEndpoint.isContentType(request, FORM)) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "Content-Type must be " + FORM, 400);
        }
        // RFC 6749 §2.3.1 keeps credentials out of URLs, and RFC 7662 §2.1 / RFC 7009 §2.1 put the
        // token in the body: nothing here belongs in the query string.
        String query = request.query().rawValue();
        if (query != null && !query.isEmpty()) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE,
                    "parameters belong in the form body, not the query string", 400);
        }
        TokenEndpoint.requireWellFormedPercentEncoding(body);
        Map<String, List<String>> params = TokenEndpoint.single(URLUtils.parseParameters(body));
        PresentedCredentials presented = ClientCredentialsParser.parse(request, params);
        ClientAuthenticationGuard.Attempt attempt = guard.check(SessionCookie.remoteAddress(request), tenant,
                presented.clientId());
        if (!attempt.allowed()) {
            metrics.clientAuthenticationThrottled(endpoint, limitTag(attempt));
            throw new HttpFailure(throttled(response, attempt));
        }
        TokenService.Authentication authentication = tokens.authenticate(tenant, presented, false);
        guard.recordOutcome(attempt, authentication.refusal(), authentication.client());
        if (!authentication.isAuthenticated()) {
            throw new HttpFailure(TokenEndpoint.errorObject(authentication.refusal()));
        }
        return new AuthenticatedRequest(tenant, authentication.client(), params);
    }

    /**
     * The answer to an attempt the brute-force limits refused, for every endpoint a client
     * authenticates at: {@code 429} (RFC 6585 §4) with {@code Retry-After} in seconds (RFC 9110
     * §10.2.3), and an RFC 6749 §5.2 error body. RFC 6749 has no token-endpoint error for "too
     * many attempts": {@code invalid_client} would claim the secret was checked and wrong,
     * {@code invalid_request} that the request was malformed, and RFC 8628 §3.5's
     * {@code slow_down} belongs to device-code polling (its "add 5 s to the interval" means
     * nothing here). {@code temporarily_unavailable} is OAuth's code for "the server can't serve
     * this right now" (RFC 6749 §4.1.2.1, extension codes per §8.5); this server already uses it
     * with 503 for a store outage, so clients need only one retryable code. The status and
     * Retry-After carry the rest. The description names no limit, so it tells nothing about ids.
     */
    static ErrorObject throttled(ServerResponse response, ClientAuthenticationGuard.Attempt attempt) {
        response.header(HeaderNames.RETRY_AFTER, Long.toString(attempt.retryAfterSeconds()));
        return new ErrorObject("temporarily_unavailable",
                "too many failed client authentications; retry after the delay in Retry-After", 429);
    }

    /** The guard's limit as a metrics tag value: {@code address}, {@code client_id}, {@code client_at_address}. */
    static String limitTag(ClientAuthenticationGuard.Attempt attempt) {
        return attempt.refusedBy().name().toLowerCase(Locale.ROOT);
    }

    /** The tenant of the path, checked for shape only (the authentication finds out whether it exists). */
    static TenantId tenant(ServerRequest request) throws HttpFailure {
        String raw = request.path().pathParameters().first("tenant").orElse("");
        if (!TenantId.isValid(raw)) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "unknown tenant", 404);
        }
        return TenantId.of(raw);
    }

    /** The one required parameter both endpoints share: RFC 7662 §2.1 and RFC 7009 §2.1 {@code token}. */
    String token() throws HttpFailure {
        String token = TokenEndpoint.first(params, "token");
        if (token == null || token.isEmpty()) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "missing token", 400);
        }
        return token;
    }
}
