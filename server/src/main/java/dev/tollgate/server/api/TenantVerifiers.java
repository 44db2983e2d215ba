package dev.tollgate.server.api;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.verifier.Principal;
import java.time.Instant;
import dev.tollgate.verifier.RevocationCheck;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenIntrospector;
import dev.tollgate.server.http.DPoPProofs;
import dev.tollgate.verifier.TokenVerifier;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One {@link TokenVerifier} per tenant for the built-in APIs, configured as an outside resource
 * server would configure it (issuer, audience, tenant, pinned algorithms), except that the keys
 * come from this process's {@link Directory} instead of over HTTP: the same keys the JWKS
 * endpoint publishes, without a request to ourselves.
 */
public final class TenantVerifiers {

    /** The built-in APIs' audience for a tenant; see {@code TokenPolicy.defaultAudience}. */
    public static String audience(String issuer) {
        return issuer + "/api";
    }

    // Every algorithm a tenant can sign with: a tenant may switch algorithms, and tokens of the
    // old key stay valid until they expire. Still only asymmetric ones (RFC 8725 §3.1).
    private static final JWSAlgorithm[] ALGORITHMS = Arrays.stream(SigningAlgorithm.values())
            .map(SigningAlgorithm::jwsAlgorithm).toArray(JWSAlgorithm[]::new);

    // Reading the Directory is a cache lookup, so the verifier's own cache can be short: a key
    // rotation done through another process is seen within the Directory's 10 s plus this.
    private static final Duration KEY_CACHE_TTL = Duration.ofSeconds(10);
    private static final Duration KEY_REFRESH_LIMIT = Duration.ofSeconds(1);

    private record Key(TenantId tenant, String issuer) {
    }

    private final Directory directory;
    private final Function<TenantId, String> issuers;
    private final Clock clock;
    private final RevocationCheck revocations;
    private final DPoPProofs dpop;
    private final ConcurrentHashMap<Key, TokenVerifier> verifiers = new ConcurrentHashMap<>();

    /** @param dpop how DPoP-bound tokens are checked (RFC 9449 §7): the server's proof verifier, replay cache, nonces */
    public TenantVerifiers(Directory directory, Function<TenantId, String> issuers, Clock clock,
                           Revocations revocations, DPoPProofs dpop) {
        this.directory = directory;
        this.dpop = dpop;
        this.issuers = issuers;
        this.clock = clock;
        this.revocations = principal -> isRevoked(directory, revocations, principal);
    }

    /**
     * RFC 7009 revocations, by jti or client-wide, kept in memory by {@link Revocations}; and, as
     * introspection does, a token of a client that is disabled or no longer exists counts as
     * revoked (401 invalid_token). Both are lookups in memory, so no store call.
     */
    private static boolean isRevoked(Directory directory, Revocations revocations, Principal principal) {
        TenantId tenant = TenantId.of(principal.tenant());
        if (!ClientId.isValid(principal.clientId()) || !(principal.claims().get("iat") instanceof Number iat)) {
            return true;
        }
        ClientId client = new ClientId(principal.clientId());
        return !TokenIntrospector.clientEnabled(directory, tenant, client)
                || revocations.isRevoked(tenant, client, principal.jti(), Instant.ofEpochSecond(iat.longValue()));
    }

    /** The URI a client addressed with {@code request}, for its DPoP proof's {@code htu}. */
    public java.net.URI requestUri(TenantId tenant, io.helidon.webserver.http.ServerRequest request) {
        return dpop.requestUri(tenant, request);
    }

    /** The tenant's verifier; empty when no such tenant exists. */
    public Optional<TokenVerifier> forTenant(TenantId tenant) {
        if (directory.tenant(tenant).isEmpty()) {
            return Optional.empty();
        }
        // Keyed by issuer too: the issuer follows the bound port, fixed once the server has started.
        return Optional.of(verifiers.computeIfAbsent(new Key(tenant, issuers.apply(tenant)), this::build));
    }

    private TokenVerifier build(Key key) {
        return TokenVerifier.builder()
                .issuer(key.issuer())
                .audience(audience(key.issuer()))
                .tenant(key.tenant().value())
                .algorithms(ALGORITHMS)
                .clock(clock)
                .jwkSetSource(new DirectoryKeys(directory, key.tenant(), clock))
                .jwksCacheTtl(KEY_CACHE_TTL)
                .jwksRefreshRateLimit(KEY_REFRESH_LIMIT)
                .revocationCheck(revocations)
                .dpop(dpop.verifier())
                .dpopNonces(dpop.nonceSource(key.tenant()))
                .build();
    }

    /** The tenant's published public keys, read from the Directory on every fetch the verifier makes. */
    private record DirectoryKeys(Directory directory, TenantId tenant, Clock clock)
            implements JWKSetSource<SecurityContext> {

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime,
                                SecurityContext context) {
            return directory.keyRing(tenant).map(ring -> ring.publicJwks(clock.instant())).orElseGet(JWKSet::new);
        }

        @Override
        public void close() {
        }
    }
}
