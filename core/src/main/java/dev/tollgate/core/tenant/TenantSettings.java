package dev.tollgate.core.tenant;

import dev.tollgate.core.key.SigningAlgorithm;

import java.time.Duration;
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
 * @param keyRotationInterval   how long a key signs before a node rotates the tenant's keys on its own
 *                              ({@code dev.tollgate.core.key.KeyRotationSchedule}); null: only by hand
 * @param tokenEndpointAudience accept a client assertion (RFC 7523) whose {@code aud} is the token endpoint URL,
 *                              not only the issuer (RFC 7523bis keeps only the issuer; OIDC Core §9 and many
 *                              client libraries send the endpoint URL); on by default for them
 */
public record TenantSettings(SigningAlgorithm signingAlgorithm, boolean allowQueryCredentials, String defaultAudience,
                             List<String> allowedAuthorities, List<String> allowedAudiences,
                             Duration keyRotationInterval, boolean tokenEndpointAudience) {

    /** The setting's name as the CLI spells it. */
    public static final String TOKEN_ENDPOINT_AUDIENCE = "assertion-token-endpoint-audience";

    /** The setting's name as the CLI and error messages spell it. */
    public static final String ALLOW_QUERY_CREDENTIALS = "allow-query-credentials";

    /**
     * A new tenant's keys rotate every 90 days: a key that may have been copied without anyone
     * noticing stops signing within a quarter, and the rotation is invisible to verifiers that read
     * the JWKS (the next key is published long before it signs, the retired one until its last
     * token expires).
     */
    public static final Duration DEFAULT_KEY_ROTATION_INTERVAL = Duration.ofDays(90);

    /**
     * Shortest automatic rotation interval. A rotation needs the next key published for
     * {@code KeyRotation.PUBLISHED_BEFORE_SIGNING} (310 s) first; an hour leaves room for that and
     * keeps the number of published keys small.
     */
    public static final Duration MIN_KEY_ROTATION_INTERVAL = Duration.ofHours(1);

    /** Longest automatic rotation interval: ten years, beyond which "off" says it better. */
    public static final Duration MAX_KEY_ROTATION_INTERVAL = Duration.ofDays(3650);

    public static final TenantSettings DEFAULTS = new TenantSettings(SigningAlgorithm.ES256, false, null);

    public TenantSettings {
        Objects.requireNonNull(signingAlgorithm, "signingAlgorithm");
        if (keyRotationInterval != null && (keyRotationInterval.compareTo(MIN_KEY_ROTATION_INTERVAL) < 0
                || keyRotationInterval.compareTo(MAX_KEY_ROTATION_INTERVAL) > 0)) {
            throw new IllegalArgumentException(KEY_ROTATION_INTERVAL_RULE);
        }
        if (defaultAudience != null && defaultAudience.isBlank()) {
            defaultAudience = null;
        }
        if (defaultAudience != null) {
            requirePrintable(defaultAudience, "default audience");
        }
        allowedAuthorities = distinct(allowedAuthorities, "allowed authority");
        allowedAudiences = distinct(allowedAudiences, "allowed audience");
    }

    /** What is wrong with a key rotation interval out of bounds, as every interface says it. */
    public static final String KEY_ROTATION_INTERVAL_RULE = "key rotation interval must be off or between "
            + MIN_KEY_ROTATION_INTERVAL.toHours() + " hour and " + MAX_KEY_ROTATION_INTERVAL.toDays() + " days";

    /** Settings without allow-lists: only a tenant admin gives clients authorities or audiences. */
    public TenantSettings(SigningAlgorithm signingAlgorithm, boolean allowQueryCredentials, String defaultAudience) {
        this(signingAlgorithm, allowQueryCredentials, defaultAudience, List.of(), List.of());
    }

    /** Settings that accept the token endpoint URL as a client assertion's audience. */
    public TenantSettings(SigningAlgorithm signingAlgorithm, boolean allowQueryCredentials, String defaultAudience,
                          List<String> allowedAuthorities, List<String> allowedAudiences, Duration keyRotationInterval) {
        this(signingAlgorithm, allowQueryCredentials, defaultAudience, allowedAuthorities, allowedAudiences,
                keyRotationInterval, true);
    }

    /** Settings with the default automatic key rotation ({@link #DEFAULT_KEY_ROTATION_INTERVAL}). */
    public TenantSettings(SigningAlgorithm signingAlgorithm, boolean allowQueryCredentials, String defaultAudience,
                          List<String> allowedAuthorities, List<String> allowedAudiences) {
        this(signingAlgorithm, allowQueryCredentials, defaultAudience, allowedAuthorities, allowedAudiences,
                DEFAULT_KEY_ROTATION_INTERVAL);
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
                keyRotationInterval, tokenEndpointAudience);
    }

    public TenantSettings withSigningAlgorithm(SigningAlgorithm algorithm) {
        return new TenantSettings(algorithm, allowQueryCredentials, defaultAudience, allowedAuthorities,
                allowedAudiences, keyRotationInterval, tokenEndpointAudience);
    }

    public TenantSettings withDefaultAudience(String audience) {
        return new TenantSettings(signingAlgorithm, allowQueryCredentials, audience, allowedAuthorities,
                allowedAudiences, keyRotationInterval, tokenEndpointAudience);
    }

    public TenantSettings withAllowedAuthorities(List<String> authorities) {
        return new TenantSettings(signingAlgorithm, allowQueryCredentials, defaultAudience, authorities,
                allowedAudiences, keyRotationInterval, tokenEndpointAudience);
    }

    public TenantSettings withAllowedAudiences(List<String> audiences) {
        return new TenantSettings(signingAlgorithm, allowQueryCredentials, defaultAudience, allowedAuthorities,
                audiences, keyRotationInterval, tokenEndpointAudience);
    }

    /** @param interval null turns automatic rotation off */
    public TenantSettings withKeyRotationInterval(Duration interval) {
        return new TenantSettings(signingAlgorithm, allowQueryCredentials, defaultAudience, allowedAuthorities,
                allowedAudiences, interval, tokenEndpointAudience);
    }

    public TenantSettings withTokenEndpointAudience(boolean accept) {
        return new TenantSettings(signingAlgorithm, allowQueryCredentials, defaultAudience, allowedAuthorities,
                allowedAudiences, keyRotationInterval, accept);
    }
}
