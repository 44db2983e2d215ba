package dev.tollgate.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.util.Collection;
import java.util.Locale;

/** The request's {@code Content-Type}, as the endpoints that read a body check it. */
public final class RequestContentType {

    public static final String FORM = "application/x-www-form-urlencoded";
    public static final String JSON = "application/json";

    private RequestContentType() {
    }

    /** The media type is {@code expected}, and a charset parameter, if any, is UTF-8: bodies are read as UTF-8 only. */
    public static boolean is(ServerRequest request, String expected) {
        String value = request.headers().first(HeaderNames.CONTENT_TYPE).orElse(null);
        return value != null && matches(value, expected);
    }

    /** {@link #is} for any of several media types (the admin API takes JSON and merge-patch JSON). */
    public static boolean isAny(ServerRequest request, Collection<String> expected) {
        String value = request.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        String[] parts = value.toLowerCase(Locale.ROOT).split(";");
        return expected.contains(parts[0].strip()) && utf8(parts);
    }

    private static boolean matches(String value, String expected) {
        String[] parts = value.toLowerCase(Locale.ROOT).split(";");
        return parts[0].strip().equals(expected) && utf8(parts);
    }

    private static boolean utf8(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String[] param = parts[i].strip().split("=", 2);
            if (param[0].strip().equals("charset") && (param.length < 2
                    || !param[1].strip().replace("\"", "").equals("utf-8"))) {
                return false;
            }
        }
        return true;
    }
}
