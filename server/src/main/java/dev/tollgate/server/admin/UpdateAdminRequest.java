package dev.tollgate.server.admin;

import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;

import java.util.Map;
import java.util.Set;

/**
 * {@code PATCH admins/{id}}, a merge patch: a null {@code role} or {@code capabilities} keeps the
 * admin's current one. Username, password and second factor are the admin's own to change.
 */
record UpdateAdminRequest(AdminRole role, Set<Capability> capabilities) {

    static final Set<String> FIELDS = Set.of("role", "capabilities");

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
    static UpdateAdminRequest parse(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, FIELDS);
        AdminRole role = fields.role("role");
        Set<Capability> capabilities = fields.has("capabilities") ? fields.capabilities("capabilities") : null;
        fields.throwIfInvalid();
        return new UpdateAdminRequest(role, capabilities);
    }
}
