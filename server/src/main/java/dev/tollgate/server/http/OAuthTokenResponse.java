package dev.tollgate.server.http;

import dev.tollgate.core.token.IssuedToken;
import dev.tollgate.core.token.JsonText;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/**
 * RFC 6749 §5.1 access token response; with {@code jti} for the payment-gateway shape. Written
 * directly rather than through Nimbus's AccessTokenResponse, whose token, scope, map and
 * HTTPResponse objects cost more than the JSON they make; the interop tests parse it with Nimbus.
 */
enum OAuthTokenResponse implements TokenResponseRenderer {
    CANONICAL(false),
    WITH_JTI(true);

    private final boolean withJti;

    OAuthTokenResponse(boolean withJti) {
        this.withJti = withJti;
    }

    @Override
    public void issued(ServerResponse response, IssuedToken token) {
        StringBuilder json = new StringBuilder(token.value().length() + 160).append('{');
        JsonText.string(json, "access_token", token.value());
        JsonText.string(json, "token_type", token.tokenType());
        JsonText.number(json, "expires_in", token.lifetime().toSeconds());
        JsonText.string(json, "scope", token.scopes().toSpaceDelimited());
        if (withJti) {
            JsonText.string(json, "jti", token.jti());
        }
        // RFC 6749 §5.1: no-store, and Pragma: no-cache for HTTP/1.0 caches.
        response.header(HeaderNames.PRAGMA, "no-cache");
        OAuthResponses.sendJson(response, 200, json.append('}').toString(), "no-store");
    }
}
