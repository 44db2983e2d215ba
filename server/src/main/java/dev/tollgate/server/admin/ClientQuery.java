package dev.tollgate.server.admin;

import java.util.Map;
import java.util.Set;

/** {@code GET clients}: a search over names and ids, and which page of the matches. */
record ClientQuery(String search, int offset, int limit) {

    static final Set<String> PARAMETERS = Set.of("q", "offset", "limit");
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad parameter */
    static ClientQuery parse(Map<String, String> query) {
        JsonFields fields = JsonFields.query(query, PARAMETERS);
        int offset = fields.number("offset", 0, 0, Integer.MAX_VALUE);
        int limit = fields.number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        fields.throwIfInvalid();
        return new ClientQuery(query.get("q"), offset, limit);
    }
}
