package dev.tollgate.server.console;

import dev.tollgate.server.http.RequestContentType;
import dev.tollgate.server.http.HttpFailure;
import dev.tollgate.server.http.RequestBody;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A posted HTML form ({@code application/x-www-form-urlencoded}), read within the console's size limit. */
final class Form {

    private static final String URLENCODED = "application/x-www-form-urlencoded";

    private final Map<String, List<String>> values;

    private Form(Map<String, List<String>> values) {
        this.values = values;
    }

    /** A form read from a request the console refuses to act on. */
    static final class Refused extends Exception {
        final Status status;

        Refused(Status status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** @param maxBytes limits.max-body-bytes: larger forms are refused with 413 */
    static Form read(ServerRequest request, int maxBytes) throws Refused {
        var contentType = request.headers().value(HeaderNames.CONTENT_TYPE);
        if (contentType.isPresent() && !RequestContentType.is(request, URLENCODED)) {
            throw new Refused(Status.UNSUPPORTED_MEDIA_TYPE_415, "Forms must be sent as " + URLENCODED + ".");
        }
        String body;
        try {
            body = RequestBody.read(request, maxBytes);
        } catch (HttpFailure e) {
            if (e.error().getHTTPStatusCode() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()) {
                throw new Refused(Status.REQUEST_ENTITY_TOO_LARGE_413,
                        "The form is larger than " + maxBytes / 1024 + " KiB; nothing was changed.");
            }
            throw new Refused(Status.BAD_REQUEST_400, "The form could not be read; nothing was changed.");
        }
        return parse(body);
    }

    static Form parse(String body) throws Refused {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return new Form(values);
        }
        try {
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        } catch (IllegalArgumentException e) {
            throw new Refused(Status.BAD_REQUEST_400, "The form could not be read; nothing was changed.");
        }
        return new Form(values);
    }

    /** The first value of a field, or "" when absent. */
    String value(String name) {
        List<String> all = values.get(name);
        return all == null || all.isEmpty() ? "" : all.getFirst();
    }

    /** Every value of a field (checkboxes), in the order sent. */
    List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }
}
