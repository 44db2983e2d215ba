package dev.tollgate.core.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.federation.FederatedIdentity;
import dev.tollgate.core.federation.TrustedIssuer;
import dev.tollgate.core.replay.ReplayCache;
import dev.tollgate.core.store.InMemoryFederationRepository;
import dev.tollgate.core.store.InMemoryReplayRepository;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.TokenRefusal.Reason;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static dev.tollgate.core.client.ClientCredentialBuilder.aClient;
import static org.assertj.core.api.Assertions.assertThat;

/** One test per rule of a federated client's platform token: the exact reason, always invalid_client. */
class FederatedAssertionVerifierTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String TENANT_ISSUER = "https://auth.example/t/10001";
    private static final String K8S = "https://kubernetes.default.svc";
    private static final String SPIFFE = "https://oidc.spiffe.example.org";
    private static final String SUBJECT = "system:serviceaccount:prod:billing";
    private static final URI K8S_JWKS = URI.create("https://k8s.example/openid/v1/jwks");
    private static final URI SPIFFE_JWKS = URI.create("https://oidc.spiffe.example.org/keys");
    private static final RSAKey K8S_KEY;
    private static final ECKey SPIFFE_KEY;

    static {
        try {
            K8S_KEY = new RSAKeyGenerator(2048).keyID("k8s-1").generate();
            SPIFFE_KEY = new ECKeyGenerator(Curve.P_256).keyID("spiffe-1").generate();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TestClock clock = TestClock.at(NOW);
    private final InMemoryFederationRepository federation = new InMemoryFederationRepository();
    private final AtomicInteger discoveries = new AtomicInteger();
    private final JwksUriCache keys = new JwksUriCache(uri -> uri.equals(K8S_JWKS) ? new JWKSet(K8S_KEY.toPublicJWK())
            : new JWKSet(SPIFFE_KEY.toPublicJWK()), ClientAssertionSettings.DEFAULTS, clock);
    private final FederatedAssertionVerifier verifier = new FederatedAssertionVerifier(federation,
            new ReplayCache(new InMemoryReplayRepository(), clock, 1000), keys, issuer -> {
                discoveries.incrementAndGet();
                return SPIFFE_JWKS;
            }, ClientAssertionSettings.DEFAULTS, clock);
    private final Tenant tenant = new Tenant(TenantId.of("10001"), "T", TenantSettings.DEFAULTS, NOW);
    private final ClientCredential client = aClient().id("workload").methods(Set.of(ClientAuthMethod.FEDERATED_JWT))
            .secrets(List.of()).build();

    FederatedAssertionVerifierTest() {
        federation.insertIssuer(tenant.id(), new TrustedIssuer(K8S, K8S_JWKS, Set.of(JWSAlgorithm.RS256), null,
                null, NOW));
        federation.insertIssuer(tenant.id(), new TrustedIssuer(SPIFFE, null, Set.of(JWSAlgorithm.ES256), "spiffe-aud",
                Duration.ofMinutes(5), NOW));
        federation.bind(tenant.id(), client.clientId(), new FederatedIdentity(K8S, SUBJECT,
                Map.of("kubernetes.io/namespace", "prod")));
    }

    @Test
    void verifyWhenTheBoundServiceAccountsTokenThenAccepted() {
        assertThat(verify(k8s(c -> { }))).isEmpty();
    }

    @Test
    void verifyWhenAnotherSubjectThenSubjectMismatch() {
        assertRefused(k8s(c -> c.subject("system:serviceaccount:prod:other")), Reason.FEDERATION_SUBJECT_MISMATCH);
    }

    @Test
    void verifyWhenAnotherIssuerThenIssuerMismatch() {
        assertRefused(k8s(c -> c.issuer(SPIFFE)), Reason.ASSERTION_ISSUER_MISMATCH);
    }

    @Test
    void verifyWhenTheNamespaceDiffersThenClaimMismatch() {
        assertRefused(k8s(c -> c.claim("kubernetes.io", Map.of("namespace", "dev"))), Reason.FEDERATION_CLAIM_MISMATCH);
    }

    @Test
    void verifyWhenTheNamespaceIsNotAStringThenClaimMismatch() {
        assertRefused(k8s(c -> c.claim("kubernetes.io", Map.of("namespace", List.of("prod")))),
                Reason.FEDERATION_CLAIM_MISMATCH);
    }

    @Test
    void verifyWhenTheAudienceIsNotTheTenantsIssuerThenWrongAudience() {
        assertRefused(k8s(c -> c.audience("https://kubernetes.default.svc")), Reason.ASSERTION_WRONG_AUDIENCE);
    }

    @Test
    void verifyWhenExpiredThenExpired() {
        assertRefused(k8s(c -> c.expirationTime(Date.from(NOW.minusSeconds(60)))), Reason.ASSERTION_EXPIRED);
    }

    @Test
    void verifyWhenNoExpThenExpired() {
        assertRefused(k8s(c -> c.expirationTime(null)), Reason.ASSERTION_EXPIRED);
    }

    @Test
    void verifyWhenExpBeyondTheIssuersMaxLifetimeThenLifetimeTooLong() {
        assertRefused(k8s(c -> c.expirationTime(Date.from(NOW.plus(Duration.ofHours(2))))),
                Reason.ASSERTION_LIFETIME_TOO_LONG);
    }

    @Test
    void verifyWhenIssuedInTheFutureThenNotYetValid() {
        assertRefused(k8s(c -> c.issueTime(Date.from(NOW.plusSeconds(120)))), Reason.ASSERTION_NOT_YET_VALID);
    }

    @Test
    void verifyWhenAnAlgorithmTheIssuerDoesNotUseThenAlgorithmRefused() throws Exception {
        // ES256 is a fine algorithm, but this issuer is registered for RS256 only.
        assertRefused(sign(new ECDSASigner(SPIFFE_KEY), JWSAlgorithm.ES256, "k8s-1", claims(c -> { })),
                Reason.ASSERTION_ALGORITHM_REFUSED);
    }

    @Test
    void verifyWhenAlgNoneThenAlgorithmRefused() {
        assertRefused(new PlainJWT(claims(c -> { })).serialize(), Reason.ASSERTION_ALGORITHM_REFUSED);
    }

    @Test
    void verifyWhenSignedByAnotherKeyWithTheIssuersKidThenBadSignature() throws Exception {
        RSAKey forged = new RSAKeyGenerator(2048).keyID("k8s-1").generate();
        assertRefused(sign(new RSASSASigner(forged), JWSAlgorithm.RS256, "k8s-1", claims(c -> { })),
                Reason.ASSERTION_BAD_SIGNATURE);
    }

    @Test
    void verifyWhenTheJtiIsUsedTwiceThenReplayed() {
        String jti = UUID.randomUUID().toString();
        assertThat(verify(k8s(c -> c.jwtID(jti)))).isEmpty();

        assertRefused(k8s(c -> c.jwtID(jti)), Reason.ASSERTION_REPLAYED);
    }

    @Test
    void verifyWhenATokenWithoutJtiIsUsedTwiceThenReplayed() {
        String token = k8s(c -> c.jwtID(null));
        assertThat(verify(token)).isEmpty();

        assertRefused(token, Reason.ASSERTION_REPLAYED);
    }

    @Test
    void verifyWhenTheClientHasNoBindingThenNotConfigured() {
        ClientCredential unbound = aClient().id("unbound").methods(Set.of(ClientAuthMethod.FEDERATED_JWT))
                .secrets(List.of()).build();

        Optional<TokenRefusal> refusal = verifier.verify(tenant, unbound, PresentedCredentials.assertion("unbound",
                k8s(c -> { })), TENANT_ISSUER);

        assertThat(refusal).map(TokenRefusal::reason).contains(Reason.FEDERATION_NOT_CONFIGURED);
    }

    @Test
    void verifyWhenAPrivateKeyJwtClientThenAuthMethodNotAllowed() {
        ClientCredential signer = aClient().id("signer").build();

        Optional<TokenRefusal> refusal = verifier.verify(tenant, signer, PresentedCredentials.assertion("signer",
                k8s(c -> { })), TENANT_ISSUER);

        assertThat(refusal).map(TokenRefusal::reason).contains(Reason.AUTH_METHOD_NOT_ALLOWED);
    }

    @Test
    void verifyWhenTheIssuerUsesDiscoveryAndItsOwnAudienceThenAcceptedAndDiscoveredOnce() throws Exception {
        federation.bind(tenant.id(), new ClientId("workload"), new FederatedIdentity(SPIFFE,
                "spiffe://example.org/billing", Map.of()));
        verifier.forget();
        JWTClaimsSet.Builder svid = new JWTClaimsSet.Builder().issuer(SPIFFE).subject("spiffe://example.org/billing")
                .audience("spiffe-aud").expirationTime(Date.from(NOW.plusSeconds(120)));

        assertThat(verify(sign(new ECDSASigner(SPIFFE_KEY), JWSAlgorithm.ES256, "spiffe-1",
                svid.jwtID("a").build()))).isEmpty();
        assertThat(verify(sign(new ECDSASigner(SPIFFE_KEY), JWSAlgorithm.ES256, "spiffe-1",
                svid.jwtID("b").build()))).isEmpty();
        assertThat(discoveries).hasValue(1);
        assertRefused(sign(new ECDSASigner(SPIFFE_KEY), JWSAlgorithm.ES256, "spiffe-1",
                svid.jwtID("c").audience(TENANT_ISSUER).build()), Reason.ASSERTION_WRONG_AUDIENCE);
    }

    private Optional<TokenRefusal> verify(String token) {
        return verifier.verify(tenant, client, PresentedCredentials.assertion("workload", token), TENANT_ISSUER);
    }

    private void assertRefused(String token, Reason reason) {
        Optional<TokenRefusal> refusal = verify(token);
        assertThat(refusal).isPresent();
        assertThat(refusal.get().reason()).as(refusal.get().detail()).isEqualTo(reason);
        assertThat(refusal.get().error()).isEqualTo(OAuthErrorCode.INVALID_CLIENT);
        assertThat(refusal.get().description()).isEqualTo("client authentication failed");
    }

    private static JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(K8S).subject(SUBJECT).audience(TENANT_ISSUER)
                .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString())
                .claim("kubernetes.io", Map.of("namespace", "prod", "serviceaccount", Map.of("name", "billing")));
        change.accept(claims);
        return claims.build();
    }

    private static String k8s(Consumer<JWTClaimsSet.Builder> change) {
        try {
            return sign(new RSASSASigner(K8S_KEY), JWSAlgorithm.RS256, "k8s-1", claims(change));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String sign(com.nimbusds.jose.JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims)
            throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }
}
