package dev.tollgate.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.function.IntSupplier;

/**
 * The plain-HTTP listener's one answer: 308 to the same path on HTTPS. 308 (RFC 9110 §15.4.9)
 * keeps the method and body, but a client that sent credentials over plain HTTP has already
 * exposed them, so nothing here reads the request beyond its path.
 */
final class HttpsRedirect implements Handler {

    private final ServerConfig config;
    private final IntSupplier httpsPort;

    /** @param httpsPort the public listener's port, known once it is bound */
    HttpsRedirect(ServerConfig config, IntSupplier httpsPort) {
        this.config = config;
        this.httpsPort = httpsPort;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) {
        String base;
        if (config.publicUrl() != null && config.publicUrl().startsWith("https://")) {
            base = config.publicUrl().replaceFirst("(https://[^/]+).*", "$1");
        } else {
            String authority = request.authority();
            String host = authority.startsWith("[") ? authority.substring(0, authority.indexOf(']') + 1)
                    : authority.contains(":") ? authority.substring(0, authority.indexOf(':')) : authority;
            int port = httpsPort.getAsInt();
            base = "https://" + host + (port == 443 ? "" : ":" + port);
        }
        String query = request.query().rawValue();
        response.status(Status.PERMANENT_REDIRECT_308);
        // Built from the request's Host when no public URL is set: no shared cache may keep it for others.
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.header(HeaderNames.LOCATION, base + request.path().rawPath() + (query.isEmpty() ? "" : "?" + query));
        response.send();
    }
}
