package dev.tollgate.server.http;

import com.nimbusds.jose.util.Base64;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.token.PresentedCredentials;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Client authentication as it arrives over HTTP (RFC 6749 §2.3.1: {@code client_secret_basic} or
 * {@code client_secret_post}), parsed the same way for every endpoint a client authenticates at:
 * token, introspection (RFC 7662 §2.1) and revocation (RFC 7009 §2.1).
 */
final class ClientCredentialsParser {

    private ClientCredentialsParser() {
    }

    /** @param params the request's form parameters, each at most once */
    static PresentedCredentials parse(ServerRequest request, Map<String, List<String>> params) throws HttpFailure {
        List<String> authorization = request.headers().values(HeaderNames.AUTHORIZATION);
        if (authorization.size() > 1) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "more than one Authorization header", 400);
        }
        return authorization.isEmpty()
                ? postCredentials(params)
                : basicCredentials(authorization.get(0), params);
    }

    /**
     * RFC 6749 §2.3.1 HTTP Basic. Anything else in Authorization is a failed authentication attempt.
     * Nimbus trims client ids ({@code Identifier} calls {@code String.trim()}), so {@code id%00} or
     * {@code id%0D%0A} would authenticate as {@code id}: the lookup gets the id exactly as sent,
     * decoded as Nimbus decodes it, which for such an id is no client at all.
     */
    static PresentedCredentials basicCredentials(String authorization, Map<String, List<String>> params)
            throws HttpFailure {
        ClientSecretBasic basic;
        String clientId;
        try {
            basic = ClientSecretBasic.parse(authorization);
            String decoded = new Base64(authorization.substring(authorization.indexOf(' ') + 1).strip()).decodeToString();
            clientId = URLDecoder.decode(decoded.substring(0, decoded.indexOf(':')), StandardCharsets.UTF_8);
        } catch (ParseException | RuntimeException e) {
            throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "malformed HTTP Basic authorization", 401);
        }
        // RFC 6749 §2.3: one authentication method per request; §5.2 names this invalid_request.
        if (params.containsKey("client_secret")) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE,
                    "client authenticated with both HTTP Basic and client_secret; use one method", 400);
        }
        // RFC 6749 §3.2.1 lets a Basic client repeat its id in the body, not name another one.
        String bodyClientId = TokenEndpoint.first(params, "client_id");
        if (bodyClientId != null && !bodyClientId.equals(clientId)) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE,
                    "client_id differs from the client id in HTTP Basic authorization", 400);
        }
        return new PresentedCredentials(clientId, basic.getClientSecret().getValue(), ClientAuthMethod.CLIENT_SECRET_BASIC);
    }

    /** RFC 6749 §2.3.1 body parameters; with neither these nor Basic the client did not authenticate. */
    static PresentedCredentials postCredentials(Map<String, List<String>> params) throws HttpFailure {
        if (params.containsKey("client_assertion") || params.containsKey("client_assertion_type")) {
            throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE,
                    "unsupported client authentication method private_key_jwt/client_secret_jwt", 401);
        }
        String clientId = TokenEndpoint.first(params, "client_id");
        if (clientId == null || !params.containsKey("client_secret")) {
            throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "client authentication is required", 401);
        }
        try {
            ClientSecretPost post = ClientSecretPost.parse(params);
            // The id as sent, not as Nimbus trimmed it (see basicCredentials).
            return new PresentedCredentials(clientId, post.getClientSecret().getValue(),
                    ClientAuthMethod.CLIENT_SECRET_POST);
        } catch (ParseException e) {
            throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "client authentication is required", 401);
        }
    }
}
