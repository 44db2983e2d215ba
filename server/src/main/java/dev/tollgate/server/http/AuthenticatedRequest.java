package dev.tollgate.server.http;

import dev.tollgate.core.token.TokenIntrospector;
import dev.tollgate.verifier.CompactJws;
import java.util.Optional;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.PresentedCredentials;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.server.ops.Metrics;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A form POST to a per-tenant endpoint that a client calls with its own credentials
 * (introspection, revocation), read and authenticated with the token endpoint's
 * {@link ClientAuthentication} step and brute-force guard.
 */
record AuthenticatedRequest(TenantId tenant, ClientCredential client, FormParameters params) {

    /**
     * @param endpoint the metrics tag of the calling endpoint: {@code introspect} or {@code revoke}
     * @throws HttpFailure with the RFC 6749 §5.2 error to answer (401 invalid_client when authentication
     *                     failed, 429 when it failed from an address over the brute-force limit)
     */
    static AuthenticatedRequest read(ServerRequest request, ServerResponse response, TokenService tokens,
                                     ClientAuthenticationGuard guard, Metrics metrics, String endpoint,
                                     int maxBodyBytes) throws HttpFailure {
        TenantId tenant = tenant(request);
        FormBody.requirePost(request, response, "this endpoint");
        String body = FormBody.read(request, maxBodyBytes);
        // RFC 6749 §2.3.1 keeps credentials out of URLs, and RFC 7662 §2.1 / RFC 7009 §2.1 put the
        // token in the body: nothing here belongs in the query string.
        String query = request.query().rawValue();
        if (query != null && !query.isEmpty()) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE,
                    "parameters belong in the form body, not the query string", 400);
        }
        FormParameters params = FormParameters.ofBody(FormBody.single(FormBody.parse(body)));
        PresentedCredentials presented = ClientAuthentication.credentials(request, params);
        // The secret is checked first, from any address (issue 11): a right secret is never refused.
        ClientAuthenticationGuard.Attempt attempt = guard.check(RemoteAddress.of(request));
        TokenService.Authentication authentication = tokens.authenticate(tenant, presented, false);
        ClientAuthenticationGuard.Verdict verdict = guard.recordOutcome(attempt, authentication.refusal());
        if (authentication.refusal() != null && authentication.refusal().isAuthenticationFailure()) {
            metrics.clientAuthenticationFailed(tenant, authentication.client());
        }
        if (verdict.throttled()) {
            metrics.clientAuthenticationThrottled(endpoint, ClientAuthentication.limitTag(verdict));
            throw new HttpFailure(ClientAuthentication.throttled(response, verdict));
        }
        if (!authentication.isAuthenticated()) {
            TokenEndpoint.logDetail(tenant, authentication.refusal());
            throw new HttpFailure(TokenEndpoint.errorObject(authentication.refusal()));
        }
        return new AuthenticatedRequest(tenant, authentication.client(), params);
    }

    /** The tenant of the path, checked for shape only (the authentication finds out whether it exists). */
    static TenantId tenant(ServerRequest request) throws HttpFailure {
        TenantId tenant = PathTenant.of(request);
        if (tenant == null) {
            throw new HttpFailure(new ErrorObject(OAuth2Error.INVALID_REQUEST_CODE, "unknown tenant", 404));
        }
        return tenant;
    }

    /** The one required parameter both endpoints share: RFC 7662 §2.1 and RFC 7009 §2.1 {@code token}. */
    String token() throws HttpFailure {
        String token = params.first("token");
        if (token == null || token.isEmpty()) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "missing token", 400);
        }
        return token;
    }

    /**
     * The token as this tenant's active access token, if it is one. Only the canonical spelling
     * counts ({@link CompactJws}): a padded or {@code +/} variant of a live token is another string,
     * and is not an active token.
     */
    Optional<TokenIntrospector.ActiveToken> activeToken(TokenIntrospector introspector) throws HttpFailure {
        String token = token();
        return CompactJws.isCanonical(token) ? introspector.inspect(tenant, token) : Optional.empty();
    }
}
