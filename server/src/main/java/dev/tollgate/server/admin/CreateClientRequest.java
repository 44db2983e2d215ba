package dev.tollgate.server.admin;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST clients}: a new client's settings; what is absent takes the policy's default.
 *
 * @param authMethod RFC 7591 {@code token_endpoint_auth_method}; null for a secret
 * @param keys       {@code jwks}: the registered keys or certificates (PEM, a JWK or a JWK set) of a
 *                   self_signed_tls_client_auth or private_key_jwt client; null for none
 * @param tls        RFC 8705's subject field and certificate-bound-token switch
 */
record CreateClientRequest(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                           List<String> authorities, Duration tokenTtl, Boolean introspection,
                           ClientAuthMethod authMethod, ClientKeys keys, ClientTls tls) {

    static final Set<String> FIELDS = fields();

    private static Set<String> fields() {
        Set<String> names = new HashSet<>(Set.of("name", "allowed_scopes", "default_scopes", "audiences",
                "authorities", "token_ttl_seconds", "introspection", "token_endpoint_auth_method", "jwks"));
        names.addAll(ClientTlsFields.FIELDS);
        return Set.copyOf(names);
    }
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
                fields.bool("introspection"), authMethod(fields), keys(json, fields),
                ClientTlsFields.parse(fields, false));
        fields.throwIfInvalid();
        return request;
    }

    private static ClientAuthMethod authMethod(JsonFields fields) {
        String name = fields.string("token_endpoint_auth_method", false);
        try {
            return name == null ? null : ClientAuthMethod.fromWireName(name);
        } catch (IllegalArgumentException e) {
            fields.problem("token_endpoint_auth_method", e.getMessage());
            return null;
        }
    }

    /** {@code jwks}: PEM or JWK text as a string, or a JWK / JWK set as a JSON object. */
    private static ClientKeys keys(Map<String, Object> json, JsonFields fields) {
        Object value = json.get("jwks");
        if (value == null) {
            return null;
        }
        String text;
        if (value instanceof String s) {
            text = s;
        } else if (value instanceof Map<?, ?> object) {
            @SuppressWarnings("unchecked")
            Map<String, Object> members = (Map<String, Object>) object;
            text = JSONObjectUtils.toJSONString(members);
        } else {
            fields.problem("jwks", "must be PEM text, a JWK or a JWK set");
            return null;
        }
        try {
            return ClientKeys.inline(ClientKeys.parsePublicKeys(text));
        } catch (IllegalArgumentException e) {
            fields.problem("jwks", e.getMessage());
            return null;
        }
    }

    /** @throws IllegalArgumentException for values the policy refuses (a blank name, an unknown scope) */
    ClientSpec spec() {
        return new ClientSpec(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl,
                Boolean.TRUE.equals(introspection), authMethod, keys, tls);
    }
}
