package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Writes Nimbus-built responses and OAuth error objects to Helidon. */
public final class OAuthResponses {

    static final String JSON = "application/json;charset=UTF-8";

    private OAuthResponses() {
    }

    static void send(ServerResponse response, HTTPResponse nimbus) {
        response.status(Status.create(nimbus.getStatusCode()));
        for (Map.Entry<String, List<String>> header : nimbus.getHeaderMap().entrySet()) {
            response.header(header.getKey(), header.getValue().toArray(String[]::new));
        }
        String body = nimbus.getBody();
        response.send(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * RFC 6749 §5.2 error. Every 401 carries {@code WWW-Authenticate} (RFC 7235 §3.1 requires it,
     * and §5.2 requires the Basic scheme when the client tried Basic).
     */
    public static void sendError(ServerResponse response, ErrorObject error, String realm) {
        HTTPResponse nimbus = new TokenErrorResponse(error).toHTTPResponse();
        if (nimbus.getStatusCode() == 401) {
            nimbus.setHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
        }
        // Errors are no more cacheable than tokens (RFC 6749 §5.1 asks no-store of responses with tokens).
        nimbus.setCacheControl("no-store");
        send(response, nimbus);
    }

    static void sendJson(ServerResponse response, int status, String json, String cacheControl) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, JSON);
        response.header(HeaderNames.CACHE_CONTROL, cacheControl);
        response.send(json.getBytes(StandardCharsets.UTF_8));
    }
}
