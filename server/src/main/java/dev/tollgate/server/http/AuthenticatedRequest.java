package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenService;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Map;

/**
 * A form POST to a per-tenant endpoint that a client calls with its own credentials
 * (introspection, revocation), read and authenticated exactly as the token endpoint does it.
 */
record AuthenticatedRequest(TenantId tenant, ClientCredential client, Map<String, List<String>> params) {

    private static final String FORM = "application/x-www-form-urlencoded";

    /** @throws HttpFailure with the RFC 6749 §5.2 error to answer (401 invalid_client when authentication failed) */
    static AuthenticatedRequest read(ServerRequest request, ServerResponse response, TokenService tokens,
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
        TokenService.Authentication authentication = tokens.authenticate(tenant,
                ClientCredentialsParser.parse(request, params), false);
        if (!authentication.isAuthenticated()) {
            throw new HttpFailure(TokenEndpoint.errorObject(authentication.refusal()));
        }
        return new AuthenticatedRequest(tenant, authentication.client(), params);
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
