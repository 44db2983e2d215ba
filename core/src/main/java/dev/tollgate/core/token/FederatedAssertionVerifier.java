package dev.tollgate.core.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.federation.FederatedIdentity;
import dev.tollgate.core.federation.TrustedIssuer;
import dev.tollgate.core.replay.ReplayCache;
import dev.tollgate.core.store.FederationRepository;
import dev.tollgate.core.store.ReplayRepository;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenRefusal.Reason;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Workload identity federation (issue 14): a {@code federated_jwt} client authenticates with a
 * token its platform issued — a Kubernetes projected service-account token, a SPIFFE JWT-SVID —
 * sent as an RFC 7523 client assertion with {@code client_id}. The RFC 7523 §3 rules apply with the
 * trusted issuer in the client's place: {@code iss} is the issuer the client is bound to and
 * {@code sub} its subject; {@code aud} contains the issuer's required audience (default the
 * tenant's issuer); {@code exp} is required and at most the issuer's max lifetime ahead; algorithm
 * from the issuer's allow-list, key from its JWKS (fetched like a client's {@code jwks_uri}, by
 * {@link JwksUriCache}); single use: the {@code jti}, or the whole token's hash where it has none.
 *
 * <p>Order as in {@link ClientAssertionVerifier}: shape, binding and claims, signature, and only
 * then the store write of single use.
 *
 * <p>Bindings and issuers are read from the store through a cache kept {@link #BINDING_TTL}: an
 * admin change on this node is seen at once ({@link #forget}), on other nodes within that time.
 */
public final class FederatedAssertionVerifier {

    /** How long another node may use a binding or issuer after an admin changed it. */
    public static final Duration BINDING_TTL = Duration.ofSeconds(30);

    /** Finds an issuer's {@code jwks_uri} from its discovery document (OIDC Discovery / RFC 8414). */
    @FunctionalInterface
    public interface Discovery {
        URI jwksUri(String issuer) throws JwksUriCache.FetchException;
    }

    private record Binding(FederatedIdentity identity, TrustedIssuer issuer) {
    }

    private record Discovered(URI jwksUri, String failure, Instant at) {
    }

    private final FederationRepository federation;
    private final ReplayCache replays;
    private final JwksUriCache keys;
    private final Discovery discovery;
    private final ClientAssertionSettings settings;
    private final Clock clock;
    private final Cache<String, Optional<Binding>> bindings;
    private final Cache<String, Discovered> discovered;

    public FederatedAssertionVerifier(FederationRepository federation, ReplayCache replays, JwksUriCache keys,
                                      Discovery discovery, ClientAssertionSettings settings, Clock clock) {
        this.federation = federation;
        this.replays = replays;
        this.keys = keys;
        this.discovery = discovery;
        this.settings = settings;
        this.clock = clock;
        this.bindings = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(BINDING_TTL).build();
        this.discovered = Caffeine.newBuilder().maximumSize(1_000).expireAfterAccess(Duration.ofHours(1)).build();
    }

    /** Forgets cached bindings and issuers: an admin changed one (cheap; they are reread on demand). */
    public void forget() {
        bindings.invalidateAll();
        discovered.invalidateAll();
    }

    /**
     * @param client       the client the request's {@code client_id} names, or null when there is none
     * @param tenantIssuer the tenant's issuer URL, the default required audience
     * @return empty when the platform token proves the client
     */
    public Optional<TokenRefusal> verify(Tenant tenant, ClientCredential client, PresentedCredentials presented,
                                         String tenantIssuer) {
        if (client == null) {
            return refuse(Reason.UNKNOWN_CLIENT, "no client " + ClientAssertionVerifier.echo(presented.clientId())
                    + " in the tenant");
        }
        if (!client.authMethods().contains(ClientAuthMethod.FEDERATED_JWT)) {
            return refuse(Reason.AUTH_METHOD_NOT_ALLOWED, "client is registered for "
                    + client.tokenEndpointAuthMethod().wireName() + ", not federated_jwt");
        }
        Binding binding = binding(tenant.id(), client).orElse(null);
        if (binding == null) {
            return refuse(Reason.FEDERATION_NOT_CONFIGURED, "client has no federated identity, or its issuer is"
                    + " no longer trusted by the tenant");
        }
        TrustedIssuer issuer = binding.issuer();
        ClientAssertionVerifier.Parsed parsed = ClientAssertionVerifier.parse(presented.assertion(), issuer.algorithms());
        if (parsed.refusal() != null) {
            return Optional.of(parsed.refusal());
        }
        SignedJWT jwt = parsed.jwt();
        JWTClaimsSet claims = parsed.claims();
        Optional<TokenRefusal> claimFailure = checkClaims(binding, claims, tenantIssuer);
        if (claimFailure.isPresent()) {
            return claimFailure;
        }
        Optional<TokenRefusal> signatureFailure = checkSignature(issuer, jwt, jwt.getHeader().getAlgorithm());
        if (signatureFailure.isPresent()) {
            return signatureFailure;
        }
        if (!client.enabled()) {
            return Optional.of(new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client is disabled",
                    Reason.CLIENT_DISABLED));
        }
        // RFC 7523 §3 item 7. Platform tokens need not carry a jti (older Kubernetes, SPIFFE makes it
        // optional): then the token itself, by its hash, is what is used once.
        String jti = claims.getJWTID();
        boolean hashed = jti == null || jti.isEmpty() || jti.length() > ReplayRepository.MAX_JTI_LENGTH;
        String once = hashed ? "sha256:" + sha256(presented.assertion()) : jti;
        String namespace = "federated:" + tenant.id().value() + ":" + Integer.toHexString(issuer.issuer().hashCode())
                + (hashed ? ":token" : ":jti");
        Instant exp = claims.getExpirationTime().toInstant();
        if (!replays.firstUse(namespace, once, exp.plus(settings.clockSkew()))) {
            return refuse(Reason.ASSERTION_REPLAYED, (hashed ? "this token" : "jti " + ClientAssertionVerifier.echo(jti))
                    + " was used before");
        }
        return Optional.empty();
    }

    private Optional<Binding> binding(TenantId tenant, ClientCredential client) {
        return bindings.get(tenant.value() + " " + client.clientId().value(), key -> federation
                .identity(tenant, client.clientId())
                .flatMap(identity -> federation.issuer(tenant, identity.issuer())
                        .map(issuer -> new Binding(identity, issuer))));
    }

    private Optional<TokenRefusal> checkClaims(Binding binding, JWTClaimsSet claims, String tenantIssuer) {
        FederatedIdentity identity = binding.identity();
        if (!identity.issuer().equals(claims.getIssuer())) {
            return refuse(Reason.ASSERTION_ISSUER_MISMATCH, "iss " + ClientAssertionVerifier.echo(claims.getIssuer())
                    + " is not the client's issuer " + identity.issuer());
        }
        if (!identity.subject().equals(claims.getSubject())) {
            return refuse(Reason.FEDERATION_SUBJECT_MISMATCH, "sub " + ClientAssertionVerifier.echo(claims.getSubject())
                    + " is not the client's subject " + identity.subject());
        }
        String audience = binding.issuer().requiredAudience(tenantIssuer);
        List<String> audiences = claims.getAudience();
        if (!audiences.contains(audience)) {
            return refuse(Reason.ASSERTION_WRONG_AUDIENCE, "aud " + ClientAssertionVerifier.echo(String.valueOf(audiences))
                    + " does not contain " + audience);
        }
        Optional<TokenRefusal> timeFailure = ClientAssertionVerifier.checkTimes(claims, clock.instant(),
                settings.clockSkew(), binding.issuer().maxLifetime());
        if (timeFailure.isPresent()) {
            return timeFailure;
        }
        String mismatch = identity.firstMismatch(claims);
        if (mismatch != null) {
            return refuse(Reason.FEDERATION_CLAIM_MISMATCH, "claim " + mismatch + " is not "
                    + ClientAssertionVerifier.echo(identity.claims().get(mismatch)));
        }
        return Optional.empty();
    }

    private Optional<TokenRefusal> checkSignature(TrustedIssuer issuer, SignedJWT jwt, JWSAlgorithm alg) {
        String kid = jwt.getHeader().getKeyID();
        List<JWK> candidates;
        URI jwksUri;
        try {
            jwksUri = issuer.jwksUri() != null ? issuer.jwksUri() : discover(issuer.issuer());
            candidates = keys.keys(jwksUri, kid);
        } catch (JwksUriCache.FetchException e) {
            return refuse(Reason.CLIENT_KEYS_UNAVAILABLE, "keys of issuer " + issuer.issuer() + ": " + e.getMessage());
        }
        return ClientAssertionVerifier.verifyWith(candidates, jwt, alg);
    }

    /** The issuer's jwks_uri from its discovery document, kept as long as fetched keys; a failure for the refetch interval. */
    private URI discover(String issuer) throws JwksUriCache.FetchException {
        Discovered found = discovered.asMap().compute(issuer, (key, entry) -> {
            Instant now = clock.instant();
            if (entry != null) {
                Duration age = Duration.between(entry.at(), now);
                if (age.compareTo(entry.jwksUri() != null ? settings.jwksCacheTtl() : settings.jwksRefetchEvery()) < 0) {
                    return entry;
                }
            }
            try {
                return new Discovered(discovery.jwksUri(key), null, now);
            } catch (JwksUriCache.FetchException e) {
                // A failed rediscovery keeps the jwks_uri found before.
                return new Discovered(entry == null ? null : entry.jwksUri(), "discovery: " + e.getMessage(), now);
            }
        });
        if (found.jwksUri() == null) {
            throw new JwksUriCache.FetchException(found.failure());
        }
        return found.jwksUri();
    }

    private static String sha256(String token) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)))
                    .toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static Optional<TokenRefusal> refuse(Reason reason, String detail) {
        return Optional.of(TokenRefusal.invalidClient(reason, detail));
    }
}
