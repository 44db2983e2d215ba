package dev.tollgate.server.admin;

import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code POST clients}: a new client's settings; what is absent takes the policy's default. */
record CreateClientRequest(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                           List<String> authorities, Duration tokenTtl, Boolean introspection, Boolean dpopBound) {

    static final Set<String> FIELDS = Set.of("name", "allowed_scopes", "default_scopes", "audiences", "authorities",
            "token_ttl_seconds", "introspection", "dpop_bound_access_tokens");
    /** Token lifetimes from one second to a leap year; the policy narrows it further. */
    static final long MAX_TTL_SECONDS = Duration.ofDays(366).toSeconds();
    static final String TTL_PROBLEM = "must be a whole number of seconds";

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
    static CreateClientRequest parse(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, FIELDS);
        CreateClientRequest request = new CreateClientRequest(fields.string("name", true),
                fields.scopes("allowed_scopes"), fields.scopes("default_scopes"), fields.strings("audiences"),
                fields.strings("authorities"),
                fields.seconds("token_ttl_seconds", false, 1, MAX_TTL_SECONDS, TTL_PROBLEM),
                fields.bool("introspection"), fields.bool("dpop_bound_access_tokens"));
        fields.throwIfInvalid();
        return request;
    }

    /** @throws IllegalArgumentException for values the policy refuses (a blank name, an unknown scope) */
    ClientSpec spec() {
        return new ClientSpec(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl,
                Boolean.TRUE.equals(introspection), Boolean.TRUE.equals(dpopBound));
    }
}
