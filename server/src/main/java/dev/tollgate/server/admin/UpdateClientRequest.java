package dev.tollgate.server.admin;

import dev.tollgate.core.admin.ClientUpdate;

import java.util.Map;
import java.util.Set;

/**
 * {@code PATCH clients/{id}}, a merge patch (RFC 7396): a field sent is changed, one left out is
 * kept. {@code null} removes nothing here, since every setting has a value: it is refused.
 */
record UpdateClientRequest(ClientUpdate update) {

    static final Set<String> FIELDS = Set.of("name", "allowed_scopes", "default_scopes", "audiences", "authorities",
            "token_ttl_seconds", "enabled", "introspection", "dpop_bound_access_tokens");

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
    static UpdateClientRequest parse(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, FIELDS);
        ClientUpdate update = new ClientUpdate(
                fields.has("name") ? fields.string("name", true) : null,
                fields.scopes("allowed_scopes"),
                fields.scopes("default_scopes"),
                fields.strings("audiences"),
                fields.strings("authorities"),
                fields.seconds("token_ttl_seconds", false, 1, CreateClientRequest.MAX_TTL_SECONDS,
                        CreateClientRequest.TTL_PROBLEM),
                fields.bool("enabled"),
                fields.bool("introspection"),
                fields.bool("dpop_bound_access_tokens"));
        fields.throwIfInvalid();
        return new UpdateClientRequest(update);
    }
}
