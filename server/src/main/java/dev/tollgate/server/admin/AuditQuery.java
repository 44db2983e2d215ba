package dev.tollgate.server.admin;

import dev.tollgate.core.store.AuditRepository;

import java.util.Map;
import java.util.Set;

/** {@code GET audit}: which events, newest first, and which page of them. */
record AuditQuery(AuditRepository.Filter filter, int offset, int limit) {

    static final Set<String> PARAMETERS = Set.of("actor", "client", "action", "from", "to", "offset", "limit");
    static final int DEFAULT_LIMIT = 50;

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad parameter */
    static AuditQuery parse(Map<String, String> query) {
        JsonFields fields = JsonFields.query(query, PARAMETERS);
        int offset = fields.number("offset", 0, 0, Integer.MAX_VALUE);
        int limit = fields.number("limit", DEFAULT_LIMIT, 1, ClientQuery.MAX_LIMIT);
        AuditRepository.Filter filter = new AuditRepository.Filter(fields.text("actor"), fields.text("client"),
                fields.text("action"), fields.instant("from"), fields.instant("to"));
        fields.throwIfInvalid();
        return new AuditQuery(filter, offset, limit);
    }
}
