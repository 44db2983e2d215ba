package dev.tollgate.server.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;

/**
 * The console's session cookie, shared by the console pages and the admin API. {@code HttpOnly}
 * keeps it from scripts, {@code SameSite=Strict} from cross-site requests, {@code Secure} (on TLS)
 * from plain HTTP. The value is a random id; the store knows only its hash.
 */
public final class SessionCookie {

    public static final String NAME = "tollgate_session";

    private SessionCookie() {
    }

    /** The session id the request carries, if any; the first cookie of that name wins. */
    public static Optional<String> read(ServerRequest request) {
        for (String header : request.headers().values(HeaderNames.COOKIE)) {
            for (String part : header.split(";")) {
                String pair = part.strip();
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(NAME)) {
                    String value = pair.substring(eq + 1);
                    // Ids are base64url; anything else was not issued by us.
                    if (!value.isEmpty() && value.length() <= 128 && value.chars().allMatch(SessionCookie::isIdChar)) {
                        return Optional.of(value);
                    }
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    public static void set(ServerResponse response, String sessionId, boolean secure) {
        response.header(HeaderValues.create(HeaderNames.SET_COOKIE, NAME + "=" + sessionId
                + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")));
    }

    public static void clear(ServerResponse response, boolean secure) {
        response.header(HeaderValues.create(HeaderNames.SET_COOKIE, NAME
                + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")));
    }

    private static boolean isIdChar(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
