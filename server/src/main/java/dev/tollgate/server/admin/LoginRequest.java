package dev.tollgate.server.admin;

import java.util.Map;
import java.util.Set;

/** {@code POST login}: the console form's fields as JSON. */
record LoginRequest(String username, String password, String totpCode) {

    static final Set<String> FIELDS = Set.of("username", "password", "totp_code");

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
    static LoginRequest parse(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, FIELDS);
        LoginRequest request = new LoginRequest(fields.string("username", true), fields.string("password", true),
                fields.string("totp_code", false));
        fields.throwIfInvalid();
        return request;
    }

    @Override
    public String toString() {
        return "LoginRequest[username=" + username + "]";
    }
}
