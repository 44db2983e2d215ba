package dev.tollgate.server.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.List;
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
        List<String> values = values(request, NAME);
        if (values.isEmpty()) {
            return Optional.empty();
        }
        String value = values.get(0);
        // Ids are base64url; anything else was not issued by us.
        return !value.isEmpty() && value.length() <= 128 && value.chars().allMatch(SessionCookie::isIdChar)
                ? Optional.of(value) : Optional.empty();
    }

    /** Every value of the cookie {@code name} the request carries, in the order sent (RFC 6265 §5.4). */
    public static List<String> values(ServerRequest request, String name) {
        List<String> found = new ArrayList<>(1);
        for (String header : request.headers().values(HeaderNames.COOKIE)) {
            for (String part : header.split(";")) {
                String pair = part.strip();
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    found.add(pair.substring(eq + 1));
                }
            }
        }
        return found;
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
