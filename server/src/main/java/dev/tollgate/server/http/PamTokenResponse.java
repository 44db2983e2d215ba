package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import dev.tollgate.core.token.IssuedToken;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import net.minidev.json.JSONObject;

/** The PAM shape's answer: RFC 6749 §5.1's members plus {@code expires_in_minutes}. */
enum PamTokenResponse implements TokenResponseRenderer {
    INSTANCE;

    @Override
    public void issued(ServerResponse response, IssuedToken token) {
        JSONObject answer = new JSONObject();
        answer.put("access_token", token.value());
        answer.put("token_type", "Bearer");
        answer.put("expires_in_minutes", token.lifetime().toMinutes());
        answer.put("expires_in", token.lifetime().toSeconds());
        answer.put("scope", token.scopes().toSpaceDelimited());
        response.header(HeaderNames.PRAGMA, "no-cache");
        OAuthResponses.sendJson(response, 200, answer.toJSONString(), "no-store");
    }

    /** The tenant came from the body here, not the path: an unknown one is a bad request, not a 404. */
    @Override
    public ErrorObject refused(ErrorObject error) {
        return error.getHTTPStatusCode() == 404 ? error.setHTTPStatusCode(400) : error;
    }
}
