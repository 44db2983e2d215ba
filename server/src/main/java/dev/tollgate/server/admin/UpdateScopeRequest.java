package dev.tollgate.server.admin;

import java.util.Map;
import java.util.Set;

/** {@code PATCH scopes/{name}}: the description is all of a scope that changes; the name is its id. */
record UpdateScopeRequest(String description) {

    static final Set<String> FIELDS = Set.of("description");

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
    static UpdateScopeRequest parse(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, FIELDS);
        UpdateScopeRequest request = new UpdateScopeRequest(fields.string("description", true));
        fields.throwIfInvalid();
        return request;
    }
}
