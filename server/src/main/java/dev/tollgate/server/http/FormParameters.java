package dev.tollgate.server.http;

import java.util.List;
import java.util.Map;

/**
 * A form request's parameters: the body's and, for the one shape that may send credentials there,
 * the query string's. The two are checked disjoint before this is built, so a name is looked up in
 * each without merging them into a third map on every request.
 */
record FormParameters(Map<String, List<String>> body, Map<String, List<String>> query) {

    static FormParameters ofBody(Map<String, List<String>> body) {
        return new FormParameters(body, Map.of());
    }

    /** The first value of {@code name}, or null when it is absent. */
    String first(String name) {
        List<String> values = all(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every value of {@code name}, or null when it is absent. */
    List<String> all(String name) {
        List<String> values = query.get(name);
        return values != null ? values : body.get(name);
    }

    boolean contains(String name) {
        return query.containsKey(name) || body.containsKey(name);
    }
}
