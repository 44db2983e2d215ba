package dev.tollgate.core.federation;

import com.nimbusds.jose.JWSAlgorithm;
import dev.tollgate.core.client.ClientKeyAlgorithms;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An external token issuer a tenant trusts for workload identity federation (issue 14): a
 * Kubernetes cluster's service-account issuer, a SPIFFE trust domain's JWT-SVID issuer, a CI
 * system's OIDC issuer. Its tokens authenticate the tenant's {@code federated_jwt} clients bound to
 * one of its subjects.
 *
 * @param issuer      the exact {@code iss} its tokens carry (an https URL, as OIDC and Kubernetes use)
 * @param jwksUri     where its public keys are; null to discover them from
 *                    {@code <issuer>/.well-known/openid-configuration} (OIDC Discovery §4; Kubernetes
 *                    serves it) or RFC 8414 metadata
 * @param algorithms  the signature algorithms accepted from it: asymmetric only (no none, no HMAC)
 * @param audience    the {@code aud} its tokens must contain; null means the tenant's issuer URL
 * @param maxLifetime how far ahead of now a token's {@code exp} may be: platform tokens live longer
 *                    than private_key_jwt assertions (Kubernetes' default projection is 1 h)
 */
public record TrustedIssuer(String issuer, URI jwksUri, Set<JWSAlgorithm> algorithms, String audience,
                            Duration maxLifetime, Instant createdAt) {

    public static final int MAX_ISSUER_LENGTH = 255;
    public static final Set<JWSAlgorithm> DEFAULT_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(1);
    public static final Duration LONGEST_MAX_LIFETIME = Duration.ofHours(24);

    /** @throws IllegalArgumentException naming the field that is wrong */
    public TrustedIssuer {
        Objects.requireNonNull(createdAt, "createdAt");
        issuer = requireUrl("issuer", issuer);
        if (jwksUri != null) {
            requireUrl("jwks_uri", jwksUri.toString());
        }
        algorithms = algorithms == null || algorithms.isEmpty() ? DEFAULT_ALGORITHMS : Set.copyOf(algorithms);
        for (JWSAlgorithm alg : algorithms) {
            // RFC 8725 §3.1: never none, and an HMAC "key" would be the issuer's public key (CVE-2015-9235).
            if (!ClientKeyAlgorithms.SUPPORTED.contains(alg)) {
                throw new IllegalArgumentException("algorithms: " + alg + " is not allowed; one of "
                        + ClientKeyAlgorithms.SUPPORTED);
            }
        }
        if (audience != null && (audience.isBlank() || audience.length() > MAX_ISSUER_LENGTH)) {
            throw new IllegalArgumentException("audience: 1 to " + MAX_ISSUER_LENGTH + " characters, or absent");
        }
        maxLifetime = maxLifetime == null ? DEFAULT_MAX_LIFETIME : maxLifetime;
        if (maxLifetime.compareTo(Duration.ofMinutes(1)) < 0 || maxLifetime.compareTo(LONGEST_MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("max_lifetime_seconds: must be from 60 to " + LONGEST_MAX_LIFETIME.toSeconds());
        }
    }

    /** The {@code aud} a token must contain: the registered one, else the tenant's issuer. */
    public String requiredAudience(String tenantIssuer) {
        return audience != null ? audience : tenantIssuer;
    }

    private static String requireUrl(String field, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_ISSUER_LENGTH) {
            throw new IllegalArgumentException(field + ": 1 to " + MAX_ISSUER_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(field + ": not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        // Plain http only for tests and local issuers; the fetcher refuses it unless private addresses are allowed.
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(field + ": must be an https URL without query, fragment or user info");
        }
        return value;
    }
}
