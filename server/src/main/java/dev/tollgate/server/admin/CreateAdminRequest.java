package dev.tollgate.server.admin;

import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;

import java.util.Map;
import java.util.Set;

/**
 * {@code POST admins}: a new admin, role {@code additional_admin} unless told otherwise. The
 * password is generated and shown once, never chosen here.
 */
record CreateAdminRequest(String username, AdminRole role, Set<Capability> capabilities) {

    static final Set<String> FIELDS = Set.of("username", "role", "capabilities");

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
    static CreateAdminRequest parse(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, FIELDS);
        String username = fields.string("username", true);
        AdminRole role = fields.role("role");
        Set<Capability> capabilities = fields.capabilities("capabilities");
        fields.throwIfInvalid();
        return new CreateAdminRequest(username, role == null ? AdminRole.ADDITIONAL_ADMIN : role, capabilities);
    }
}
