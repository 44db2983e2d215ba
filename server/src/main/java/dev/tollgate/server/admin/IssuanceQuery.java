package dev.tollgate.server.admin;

import java.util.Map;
import java.util.Set;

/** {@code GET clients/{id}/issuance}: how many hours back, ending now; a day unless told. */
record IssuanceQuery(int hours) {

    static final Set<String> PARAMETERS = Set.of("hours");
    /** A month of hourly buckets: enough for a chart, bounded work for the store. */
    static final int MAX_HOURS = 24 * 31;

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad parameter */
    static IssuanceQuery parse(Map<String, String> query) {
        JsonFields fields = JsonFields.query(query, PARAMETERS);
        int hours = fields.number("hours", 24, 1, MAX_HOURS);
        fields.throwIfInvalid();
        return new IssuanceQuery(hours);
    }
}
