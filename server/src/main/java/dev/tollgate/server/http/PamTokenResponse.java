package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import dev.tollgate.core.token.IssuedToken;
import dev.tollgate.core.token.JsonText;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/** The PAM shape's answer: RFC 6749 §5.1's members plus {@code expires_in_minutes}. */
enum PamTokenResponse implements TokenResponseRenderer {
    INSTANCE;

    @Override
    public void issued(ServerResponse response, IssuedToken token) {
        StringBuilder json = new StringBuilder(token.value().length() + 160).append('{');
        JsonText.string(json, "access_token", token.value());
        JsonText.string(json, "token_type", token.tokenType());
        JsonText.number(json, "expires_in_minutes", token.lifetime().toMinutes());
        JsonText.number(json, "expires_in", token.lifetime().toSeconds());
        JsonText.string(json, "scope", token.scopes().toSpaceDelimited());
        response.header(HeaderNames.PRAGMA, "no-cache");
        OAuthResponses.sendJson(response, 200, json.append('}').toString(), "no-store");
    }

    /** The tenant came from the body here, not the path: an unknown one is a bad request, not a 404. */
    @Override
    public ErrorObject refused(ErrorObject error) {
        return error.getHTTPStatusCode() == 404 ? error.setHTTPStatusCode(400) : error;
    }
}
