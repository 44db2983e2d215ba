package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.ResourceUtils;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.PresentedCredentials;
import dev.tollgate.core.token.TokenRefusal;
import dev.tollgate.core.token.TokenService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The canonical RFC 6749 §4.4.2 token request, {@code POST /t/{tenant}/oauth2/token}: a form body
 * with {@code grant_type=client_credentials}, optional {@code scope} (§3.3) and {@code resource}
 * (RFC 8707), the client authenticated by one of {@link ClientAuthentication#METHODS}.
 */
final class FormTokenRequest implements TokenRequestConverter {

    private final int maxBodyBytes;

    FormTokenRequest(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public TokenService.Request parse(ServerRequest request, ServerResponse response) throws HttpFailure {
        TenantId tenant = PathTenant.of(request);
        if (tenant == null) {
            throw new HttpFailure(new ErrorObject(OAuth2Error.INVALID_REQUEST_CODE, "unknown tenant", 404),
                    TokenRefusal.Reason.UNKNOWN_TENANT, null);
        }
        return parse(tenant, request, response, maxBodyBytes);
    }

    /** The form shapes' parse for a tenant already known (from the path, or configuration). */
    static TokenService.Request parse(TenantId tenant, ServerRequest request, ServerResponse response,
                                      int maxBodyBytes) throws HttpFailure {
        try {
            FormBody.requirePost(request, response, "the token endpoint");
            String body = FormBody.read(request, maxBodyBytes);
            String rawQuery = request.query().rawValue();
            Map<String, List<String>> bodyParams = FormBody.parse(body);
            Map<String, List<String>> queryParams = FormBody.parse(rawQuery);
            FormParameters params = parameters(FormBody.single(bodyParams), FormBody.single(queryParams));
            boolean queryCredentials = !params.query().isEmpty();
            String grantType = params.first("grant_type");
            if (grantType == null) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "missing grant_type", 400);
            }
            if (!GrantType.CLIENT_CREDENTIALS.getValue().equals(grantType)) {
                throw new HttpFailure(OAuth2Error.UNSUPPORTED_GRANT_TYPE_CODE,
                        "only the client_credentials grant is supported", 400);
            }
            PresentedCredentials credentials = ClientAuthentication.credentials(request, params);
            ScopeSet scopes = scopes(params.first("scope"));
            List<String> resources = resources(params.all("resource"));
            return new TokenService.Request(tenant, credentials, scopes, resources, queryCredentials);
        } catch (HttpFailure failure) {
            throw failure.forTenant(tenant);
        }
    }

    /**
     * RFC 6749 §4.4.2 puts the parameters in the body. The query is read only for the reference
     * shape that sends its credentials there, which the tenant setting then decides on; so a query
     * without credentials is refused, and no name may be in both.
     */
    private static FormParameters parameters(Map<String, List<String>> body, Map<String, List<String>> query)
            throws HttpFailure {
        if (query.isEmpty()) {
            return FormParameters.ofBody(body);
        }
        if (!query.containsKey("client_id") && !query.containsKey("client_secret")) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE,
                    "token request parameters belong in the form body, not the query string", 400);
        }
        for (String name : query.keySet()) {
            if (body.containsKey(name)) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "parameter "
                        + PrintableEcho.inErrorDescription(name, 40) + " is sent both in the query and in the body", 400);
            }
        }
        return new FormParameters(body, query);
    }

    /** RFC 6749 §3.3; null when no scope was sent, so the policy applies the client's defaults. */
    static ScopeSet scopes(String raw) throws HttpFailure {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return ScopeSet.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new HttpFailure(OAuth2Error.INVALID_SCOPE_CODE, e.getMessage(), 400);
        }
    }

    /** RFC 8707 §2: each resource is an absolute URI without a fragment, else invalid_target. */
    private static List<String> resources(List<String> values) throws HttpFailure {
        if (values == null) {
            return List.of();
        }
        try {
            return ResourceUtils.parseResourceURIs(values).stream().map(URI::toString).toList();
        } catch (ParseException e) {
            throw new HttpFailure("invalid_target", "resource must be an absolute URI without a fragment", 400);
        }
    }
}
