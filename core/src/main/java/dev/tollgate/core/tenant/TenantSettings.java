package dev.tollgate.core.tenant;

import dev.tollgate.core.key.SigningAlgorithm;

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
 */
public record TenantSettings(SigningAlgorithm signingAlgorithm, boolean allowQueryCredentials, String defaultAudience) {

    /** The setting's name as the CLI and error messages spell it. */
    public static final String ALLOW_QUERY_CREDENTIALS = "allow-query-credentials";

    public static final TenantSettings DEFAULTS = new TenantSettings(SigningAlgorithm.ES256, false, null);

    public TenantSettings {
        Objects.requireNonNull(signingAlgorithm, "signingAlgorithm");
        if (defaultAudience != null && defaultAudience.isBlank()) {
            defaultAudience = null;
        }
        if (defaultAudience != null && (defaultAudience.length() > 512
                || defaultAudience.chars().anyMatch(c -> c < 0x21 || c > 0x7E))) {
            throw new IllegalArgumentException("default audience must be 1-512 printable ASCII characters without spaces");
        }
    }

    public TenantSettings withAllowQueryCredentials(boolean allow) {
        return new TenantSettings(signingAlgorithm, allow, defaultAudience);
    }

    public TenantSettings withSigningAlgorithm(SigningAlgorithm algorithm) {
        return new TenantSettings(algorithm, allowQueryCredentials, defaultAudience);
    }

    public TenantSettings withDefaultAudience(String audience) {
        return new TenantSettings(signingAlgorithm, allowQueryCredentials, audience);
    }
}
