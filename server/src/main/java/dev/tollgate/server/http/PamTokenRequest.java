package dev.tollgate.server.http;

import java.util.Optional;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.PresentedCredentials;
import dev.tollgate.core.token.TokenService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import net.minidev.json.JSONObject;

import java.util.List;

/**
 * {@code POST /pam/apps/autheticate/oauth/token-generation/} and its spellings: a JSON body with
 * {@code grant_type}, {@code client_id}, {@code client_secret}, optional {@code scope}, and
 * {@code customer} (the tenant). The credentials count as {@code client_secret_post}.
 */
final class PamTokenRequest implements TokenRequestConverter {

    private final int maxBodyBytes;

    PamTokenRequest(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public TokenService.Request parse(ServerRequest request, ServerResponse response) throws HttpFailure {
        FormBody.requirePost(request, response, "the token endpoint");
        if (!RequestContentType.is(request, RequestContentType.JSON)) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "Content-Type must be application/json", 400);
        }
        JSONObject json;
        String body = RequestBody.read(request, maxBodyBytes);
        try {
            json = JSONObjectUtils.parse(body);
        } catch (ParseException e) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "body is not a JSON object", 400);
        }
        Optional<String> repeated = DuplicateKeys.in(body);
        if (repeated.isPresent()) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "member "
                    + PrintableEcho.inErrorDescription(repeated.get(), 40) + " is repeated", 400);
        }
        String customer = string(json, "customer");
        if (customer == null || !TenantId.isValid(customer)) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "missing or unknown customer", 400);
        }
        TenantId tenant = TenantId.of(customer);
        try {
            String grantType = string(json, "grant_type");
            if (grantType == null) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "missing grant_type", 400);
            }
            if (!GrantType.CLIENT_CREDENTIALS.getValue().equals(grantType)) {
                throw new HttpFailure(OAuth2Error.UNSUPPORTED_GRANT_TYPE_CODE,
                        "only the client_credentials grant is supported", 400);
            }
            String clientId = string(json, "client_id");
            String secret = string(json, "client_secret");
            if (clientId == null || secret == null) {
                throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "missing client_id or client_secret", 401);
            }
            return new TokenService.Request(tenant,
                    new PresentedCredentials(clientId, secret, ClientAuthMethod.CLIENT_SECRET_POST),
                    FormTokenRequest.scopes(string(json, "scope")), List.of(), false);
        } catch (HttpFailure failure) {
            throw failure.forTenant(tenant);
        }
    }

    private static String string(JSONObject json, String name) throws HttpFailure {
        Object value = json.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, name + " must be a string", 400);
        }
        return s;
    }
}
