package dev.tollgate.server.admin;

import java.util.Map;
import java.util.Set;

/** {@code POST password}: the admin's own password, the current one as proof. */
record PasswordChangeRequest(String currentPassword, String newPassword) {

    static final Set<String> FIELDS = Set.of("current_password", "new_password");

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
    static PasswordChangeRequest parse(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, FIELDS);
        PasswordChangeRequest request = new PasswordChangeRequest(fields.string("current_password", true),
                fields.string("new_password", true));
        fields.throwIfInvalid();
        return request;
    }

    @Override
    public String toString() {
        return "PasswordChangeRequest[]";
    }
}
