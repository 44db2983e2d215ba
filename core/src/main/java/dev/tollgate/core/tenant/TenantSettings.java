package dev.tollgate.core.tenant;

import dev.tollgate.core.client.ClientCertificateAuthorities;
import dev.tollgate.core.key.SigningAlgorithm;

import java.util.List;
import java.util.Objects;

/**
 * Per-tenant switches. Security defaults are on; compatibility switches are off until an
 * operator turns them on.
 *
 * @param signingAlgorithm      algorithm of newly generated signing keys
 * @param allowQueryCredentials accept {@code client_id}/{@code client_secret} in the query string
 *                              (RFC 6749 §2.3.1 forbids it; the payment-gateway reference shape needs it)
 * @param defaultAudience       {@code aud} of tokens for clients that have no allowed audiences; null means
 *                              {@code <issuer>/api}
 * @param allowedAuthorities    the authorities a credential manager who is not a tenant admin may give a
 *                              client; empty: none (an authority in a token is a role at every API that reads it)
 * @param allowedAudiences      the audiences such a credential manager may give a client, besides the default
 *                              audience; empty: none
 * @param tokenEndpointAudience accept a client assertion (RFC 7523) whose {@code aud} is the token endpoint URL,
 *                              not only the issuer (RFC 7523bis keeps only the issuer; OIDC Core §9 and many
 *                              client libraries send the endpoint URL); on by default for them
 * @param clientCas             RFC 8705 §2.1 {@code tls_client_auth}: the CAs whose client certificates this
 *                              tenant trusts; none by default
 */
public record TenantSettings(SigningAlgorithm signingAlgorithm, boolean allowQueryCredentials, String defaultAudience,
                             List<String> allowedAuthorities, List<String> allowedAudiences,
                             boolean tokenEndpointAudience, ClientCertificateAuthorities clientCas) {

    /** The setting's name as the CLI and the admin API spell it. */
    public static final String TLS_CLIENT_CA_BUNDLE = "tls-client-ca-bundle";

    /** The setting's name as the CLI and the admin API spell it. */
    public static final String TOKEN_ENDPOINT_AUDIENCE = "assertion-token-endpoint-audience";

    /** The setting's name as the CLI and error messages spell it. */
    public static final String ALLOW_QUERY_CREDENTIALS = "allow-query-credentials";

    public static final TenantSettings DEFAULTS = new TenantSettings(SigningAlgorithm.ES256, false, null);

    public TenantSettings {
        Objects.requireNonNull(signingAlgorithm, "signingAlgorithm");
        if (defaultAudience != null && defaultAudience.isBlank()) {
            defaultAudience = null;
        }
        if (defaultAudience != null) {
            requirePrintable(defaultAudience, "default audience");
        }
        allowedAuthorities = distinct(allowedAuthorities, "allowed authority");
        allowedAudiences = distinct(allowedAudiences, "allowed audience");
        clientCas = clientCas == null ? ClientCertificateAuthorities.NONE : clientCas;
    }

    public TenantSettings(SigningAlgorithm signingAlgorithm, boolean allowQueryCredentials, String defaultAudience,
                          List<String> allowedAuthorities, List<String> allowedAudiences,
                          boolean tokenEndpointAudience) {
        this(signingAlgorithm, allowQueryCredentials, defaultAudience, allowedAuthorities, allowedAudiences,
                tokenEndpointAudience, ClientCertificateAuthorities.NONE);
    }

    public TenantSettings(SigningAlgorithm signingAlgorithm, boolean allowQueryCredentials, String defaultAudience,
                          List<String> allowedAuthorities, List<String> allowedAudiences) {
        this(signingAlgorithm, allowQueryCredentials, defaultAudience, allowedAuthorities, allowedAudiences, true);
    }

    /** Settings without allow-lists: only a tenant admin gives clients authorities or audiences. */
    public TenantSettings(SigningAlgorithm signingAlgorithm, boolean allowQueryCredentials, String defaultAudience) {
        this(signingAlgorithm, allowQueryCredentials, defaultAudience, List.of(), List.of());
    }

    // The same shape ClientCredential requires of a client's values, so every listed value can be granted.
    private static List<String> distinct(List<String> values, String what) {
        List<String> copy = values == null ? List.of() : values.stream().distinct().toList();
        copy.forEach(value -> requirePrintable(value, what));
        return copy;
    }

    private static void requirePrintable(String value, String what) {
        if (value == null || value.isEmpty() || value.length() > 512
                || value.chars().anyMatch(c -> c < 0x21 || c > 0x7E)) {
            throw new IllegalArgumentException(what + " must be 1-512 printable ASCII characters without spaces");
        }
    }

    public TenantSettings withAllowQueryCredentials(boolean allow) {
        return new TenantSettings(signingAlgorithm, allow, defaultAudience, allowedAuthorities, allowedAudiences,
                tokenEndpointAudience, clientCas);
    }

    public TenantSettings withSigningAlgorithm(SigningAlgorithm algorithm) {
        return new TenantSettings(algorithm, allowQueryCredentials, defaultAudience, allowedAuthorities,
                allowedAudiences, tokenEndpointAudience, clientCas);
    }

    public TenantSettings withDefaultAudience(String audience) {
        return new TenantSettings(signingAlgorithm, allowQueryCredentials, audience, allowedAuthorities,
                allowedAudiences, tokenEndpointAudience, clientCas);
    }

    public TenantSettings withAllowedAuthorities(List<String> authorities) {
        return new TenantSettings(signingAlgorithm, allowQueryCredentials, defaultAudience, authorities,
                allowedAudiences, tokenEndpointAudience, clientCas);
    }

    public TenantSettings withAllowedAudiences(List<String> audiences) {
        return new TenantSettings(signingAlgorithm, allowQueryCredentials, defaultAudience, allowedAuthorities,
                audiences, tokenEndpointAudience, clientCas);
    }

    public TenantSettings withTokenEndpointAudience(boolean accept) {
        return new TenantSettings(signingAlgorithm, allowQueryCredentials, defaultAudience, allowedAuthorities,
                allowedAudiences, accept, clientCas);
    }

    public TenantSettings withClientCas(ClientCertificateAuthorities cas) {
        return new TenantSettings(signingAlgorithm, allowQueryCredentials, defaultAudience, allowedAuthorities,
                allowedAudiences, tokenEndpointAudience, cas);
    }
}
