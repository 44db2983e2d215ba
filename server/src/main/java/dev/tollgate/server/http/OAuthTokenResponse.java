package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.tollgate.core.token.IssuedToken;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;

/** RFC 6749 §5.1 access token response, built by Nimbus; with {@code jti} for the payment-gateway shape. */
enum OAuthTokenResponse implements TokenResponseRenderer {
    CANONICAL(false),
    WITH_JTI(true);

    private final boolean withJti;

    OAuthTokenResponse(boolean withJti) {
        this.withJti = withJti;
    }

    @Override
    public void issued(ServerResponse response, IssuedToken token) {
        BearerAccessToken accessToken = new BearerAccessToken(token.value(), token.lifetime().toSeconds(),
                new Scope(token.scopes().names().toArray(String[]::new)));
        Map<String, Object> extra = withJti ? Map.of("jti", token.jti()) : Map.of();
        // Nimbus sets Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1).
        OAuthResponses.send(response, new AccessTokenResponse(new Tokens(accessToken, null), extra).toHTTPResponse());
    }
}
