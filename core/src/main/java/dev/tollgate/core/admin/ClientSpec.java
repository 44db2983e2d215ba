package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.util.List;

/**
 * What an administrator asks for when creating a client.
 *
 * @param defaultScopes null means "the same as allowed"
 * @param introspection whether the client may introspect tokens; a permission asked for, never assumed
 * @param authMethod    RFC 7591 {@code token_endpoint_auth_method}; null means a secret (basic or post)
 * @param keys          the public keys of a private_key_jwt client (inline or jwks_uri), or the registered keys
 *                      or certificates of a self_signed_tls_client_auth client (inline); null for none
 * @param tls           RFC 8705: a tls_client_auth client's certificate subject, and whether tokens are
 *                      certificate-bound; null for none
 * @param dpopBound     RFC 9449 §5.2 {@code dpop_bound_access_tokens}: token requests must carry a DPoP proof
 */
public record ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                         List<String> authorities, Duration tokenTtl, boolean introspection,
                         ClientAuthMethod authMethod, ClientKeys keys, ClientTls tls, boolean dpopBound) {

    public ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                      List<String> authorities, Duration tokenTtl, boolean introspection) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, introspection, null, null, null,
                false);
    }

    public ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                      List<String> authorities, Duration tokenTtl, boolean introspection,
                      ClientAuthMethod authMethod, ClientKeys keys) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, introspection, authMethod, keys,
                null, false);
    }

    public ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                      List<String> authorities, Duration tokenTtl, boolean introspection,
                      ClientAuthMethod authMethod, ClientKeys keys, boolean dpopBound) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, introspection, authMethod, keys,
                null, dpopBound);
    }

    public ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                      List<String> authorities, Duration tokenTtl, boolean introspection,
                      ClientAuthMethod authMethod, ClientKeys keys, ClientTls tls) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, introspection, authMethod, keys,
                tls, false);
    }

    public ClientSpec {
        keys = keys == null ? ClientKeys.NONE : keys;
        tls = tls == null ? ClientTls.NONE : tls;
        boolean keyMethod = authMethod == ClientAuthMethod.PRIVATE_KEY_JWT
                || authMethod == ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH;
        if (authMethod == ClientAuthMethod.PRIVATE_KEY_JWT && keys.isEmpty()) {
            throw AdminFailure.Invalid.of("jwks", "a private_key_jwt client needs jwks (its public keys) or a jwks_uri");
        }
        if (authMethod == ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH && keys.inlineKeys().isEmpty()) {
            // RFC 8705 §2.2: the certificate is matched against registered keys, never fetched on the token path.
            throw AdminFailure.Invalid.of("jwks", "a self_signed_tls_client_auth client needs jwks: its"
                    + " certificate (PEM) or public key, inline");
        }
        if (!keyMethod && !keys.isEmpty()) {
            throw AdminFailure.Invalid.of("token_endpoint_auth_method", "keys are only for private_key_jwt and"
                    + " self_signed_tls_client_auth clients; set token_endpoint_auth_method to one of them");
        }
        if (authMethod == ClientAuthMethod.TLS_CLIENT_AUTH && !tls.hasSubject()) {
            throw AdminFailure.Invalid.of("tls_client_auth_subject_dn", "a tls_client_auth client needs exactly one"
                    + " of tls_client_auth_subject_dn, _san_dns, _san_uri, _san_ip, _san_email");
        }
        if (authMethod != ClientAuthMethod.TLS_CLIENT_AUTH && tls.hasSubject()) {
            throw AdminFailure.Invalid.of("token_endpoint_auth_method",
                    "a certificate subject is only for tls_client_auth clients");
        }
        allowedScopes = allowedScopes == null ? ScopeSet.EMPTY : allowedScopes;
        defaultScopes = defaultScopes == null ? allowedScopes : defaultScopes;
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        authorities = authorities == null ? List.of() : List.copyOf(authorities);
        tokenTtl = tokenTtl == null ? ClientCredential.DEFAULT_TOKEN_TTL : tokenTtl;
    }

    /** A secret client, requiring DPoP or not. */
    public ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                      List<String> authorities, Duration tokenTtl, boolean introspection, boolean dpopBound) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, introspection, null, null,
                dpopBound);
    }

    /** A client that may not introspect. */
    public ClientSpec(String name, ScopeSet allowedScopes, ScopeSet defaultScopes, List<String> audiences,
                      List<String> authorities, Duration tokenTtl) {
        this(name, allowedScopes, defaultScopes, audiences, authorities, tokenTtl, false);
    }

    public static ClientSpec named(String name, ScopeSet scopes) {
        return new ClientSpec(name, scopes, null, null, null, null);
    }
}
