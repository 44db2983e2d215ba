package dev.tollgate.server.admin;

import com.nimbusds.jose.jwk.JWK;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.scope.ScopeSet;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST clients}: a new client's settings; what is absent takes the policy's default.
 * {@code token_endpoint_auth_method}, {@code jwks} and {@code jwks_uri} as RFC 7591 §2 names them:
 * a {@code private_key_jwt} client brings its public keys (inline, or where to fetch them) and gets
 * no secret; so does a {@code self_signed_tls_client_auth} client (RFC 8705 §2.2), whose {@code jwks} holds
 * its certificate (PEM) or key. A {@code tls_client_auth} client names its certificate subject with one
 * of RFC 8705 §2.1.2's fields ({@link ClientTlsFields}).
 *
 * @param tls RFC 8705's subject field and {@code tls_client_certificate_bound_access_tokens}
 */
record CreateClientRequest(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                           List<String> authorities, Duration tokenTtl, Boolean introspection,
                           ClientAuthMethod authMethod, List<JWK> jwks, URI jwksUri, ClientTls tls,
                           Boolean dpopBound) {

    static final Set<String> FIELDS = fields();

    private static Set<String> fields() {
        Set<String> names = new HashSet<>(Set.of("name", "allowed_scopes", "default_scopes", "audiences",
                "authorities", "token_ttl_seconds", "introspection", "token_endpoint_auth_method", "jwks", "jwks_uri",
                "dpop_bound_access_tokens"));
        names.addAll(ClientTlsFields.FIELDS);
        return Set.copyOf(names);
    }
    /** Token lifetimes from one second to a leap year; the policy narrows it further. */
    static final long MAX_TTL_SECONDS = Duration.ofDays(366).toSeconds();
    static final String TTL_PROBLEM = "must be a whole number of seconds";

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
    static CreateClientRequest parse(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, FIELDS);
        ClientAuthMethod method = null;
        String methodName = fields.string("token_endpoint_auth_method", false);
        if (methodName != null) {
            try {
                method = ClientAuthMethod.fromWireName(methodName);
            } catch (IllegalArgumentException e) {
                fields.problem("token_endpoint_auth_method", e.getMessage());
            }
        }
        CreateClientRequest request = new CreateClientRequest(fields.string("name", true),
                fields.scopes("allowed_scopes"), fields.scopes("default_scopes"), fields.strings("audiences"),
                fields.strings("authorities"),
                fields.seconds("token_ttl_seconds", false, 1, MAX_TTL_SECONDS, TTL_PROBLEM),
                fields.bool("introspection"), method, fields.publicKeys("jwks"), fields.uri("jwks_uri"),
                ClientTlsFields.parse(fields, false), fields.bool("dpop_bound_access_tokens"));
        fields.throwIfInvalid();
        return request;
    }

    /** @throws IllegalArgumentException for values the policy refuses (a blank name, an unknown scope) */
    ClientSpec spec() {
        ClientKeys keys;
        try {
            keys = new ClientKeys(jwks == null ? null : new com.nimbusds.jose.jwk.JWKSet(jwks), jwksUri);
        } catch (IllegalArgumentException e) {
            throw AdminFailure.Invalid.of(jwksUri != null ? "jwks_uri" : "jwks", e.getMessage());
        }
        return new ClientSpec(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl,
                Boolean.TRUE.equals(introspection), authMethod, keys, tls, Boolean.TRUE.equals(dpopBound));
    }
}
