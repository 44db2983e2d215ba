package dev.tollgate.server.admin;

import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;

import java.util.Map;
import java.util.Set;

/** {@code POST scopes}: a scope the tenant's clients can then be allowed. */
record CreateScopeRequest(ScopeName name, String description) {

    static final Set<String> FIELDS = Set.of("name", "description");

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
    static CreateScopeRequest parse(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, FIELDS);
        String name = fields.string("name", true);
        String description = fields.string("description", false);
        ScopeName scopeName = null;
        if (name != null) {
            try {
                scopeName = new ScopeName(name);
            } catch (IllegalArgumentException e) {
                fields.problem("name", e.getMessage());
            }
        }
        fields.throwIfInvalid();
        return new CreateScopeRequest(scopeName, description);
    }

    /** @throws IllegalArgumentException for a description the policy refuses (too long) */
    ScopeDefinition definition() {
        return new ScopeDefinition(name, description);
    }
}
