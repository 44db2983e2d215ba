package dev.tollgate.core.admin;

import com.nimbusds.jose.jwk.JWK;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.client.StoredSecret;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.user.User;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of an administered object that the admin API and the audit log both show, built in
 * one place so the two can never disagree about what is masked: a client's settings and its
 * secrets' ids and windows (never a secret or hash), a scope, an admin, a user's fields. Each call returns a
 * new mutable map in a stable order, to which a caller adds what only it shows.
 */
public final class AdminViews {

    private AdminViews() {
    }

    /** A client's settings, {@code client_id} to {@code enabled}. */
    public static Map<String, Object> clientSettings(ClientCredential client) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("client_id", client.clientId().value());
        json.put("name", client.name());
        json.put("allowed_scopes", client.allowedScopes().names());
        json.put("default_scopes", client.defaultScopes().names());
        json.put("audiences", client.audiences());
        json.put("authorities", client.authorities());
        json.put("token_ttl_seconds", client.tokenTtl().toSeconds());
        json.put("enabled", client.enabled());
        json.put("introspection", client.introspection());
        json.put("dpop_bound_access_tokens", client.dpopBound());
        json.put("token_endpoint_auth_method", client.tokenEndpointAuthMethod().wireName());
        if (client.keys().jwksUri() != null) {
            json.put("jwks_uri", client.keys().jwksUri().toString());
        }
        if (client.tls().hasSubject()) {
            json.put(client.tls().subjectField().metadataName(), client.tls().subjectValue());
        }
        // RFC 8705 §3.4 client metadata, shown when every token is bound to the client's certificate
        // (absent means false, RFC 7591 §2, and keeps earlier audit snapshots as they were).
        if (client.certificateBoundTokens()) {
            json.put("tls_client_certificate_bound_access_tokens", true);
        }
        return json;
    }

    /** A client's inline public keys as the console and the API list them: kid, type, thumbprint; never more. */
    public static List<Map<String, Object>> keys(ClientCredential client) {
        return client.keys().inlineKeys().stream().map(AdminViews::key).toList();
    }

    private static Map<String, Object> key(JWK key) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kid", key.getKeyID());
        json.put("kty", key.getKeyType().getValue());
        if (key instanceof com.nimbusds.jose.jwk.AsymmetricJWK && key instanceof com.nimbusds.jose.jwk.CurveBasedJWK curved) {
            json.put("crv", curved.getCurve().getName());
        }
        if (key.getAlgorithm() != null) {
            json.put("alg", key.getAlgorithm().getName());
        }
        json.put("thumbprint", ClientKeys.thumbprint(key));
        return json;
    }

    /** A client's secrets as ids and validity windows. */
    public static List<Map<String, Object>> secrets(ClientCredential client) {
        return client.secrets().stream().map(AdminViews::secret).toList();
    }

    private static Map<String, Object> secret(StoredSecret secret) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", secret.id());
        json.put("created_at", secret.createdAt().toString());
        json.put("expires_at", secret.expiresAt() == null ? null : secret.expiresAt().toString());
        return json;
    }

    public static Map<String, Object> scope(ScopeDefinition scope) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", scope.name().value());
        json.put("description", scope.description());
        return json;
    }

    /**
     * An admin: identity, role, what they may do (every capability for role admin), and whether a
     * new password or second factor is pending; never a hash or a TOTP seed.
     */
    public static Map<String, Object> admin(Admin admin) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", admin.id());
        json.put("username", admin.username());
        json.put("role", admin.role().name().toLowerCase(Locale.ROOT));
        json.put("capabilities", admin.effectiveCapabilities().stream().map(Capability::wireName).sorted().toList());
        json.put("must_change_password", admin.mustChangePassword());
        json.put("totp_enrolled", admin.totpSecret() != null);
        return json;
    }

    /** A user's fields, {@code id} to {@code last_name}. */
    public static Map<String, Object> userFields(User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", user.id());
        json.put("username", user.username());
        json.put("email", user.email());
        json.put("first_name", user.firstName());
        json.put("last_name", user.lastName());
        return json;
    }
}
