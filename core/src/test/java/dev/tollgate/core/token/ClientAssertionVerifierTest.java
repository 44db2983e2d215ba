package dev.tollgate.core.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.replay.ReplayCache;
import dev.tollgate.core.store.InMemoryReplayRepository;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.TokenRefusal.Reason;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static dev.tollgate.core.client.ClientCredentialBuilder.aClient;
import static org.assertj.core.api.Assertions.assertThat;

/** One test per RFC 7523 §3 rule and per key rule: the exact reason, and invalid_client with RFC wording. */
class ClientAssertionVerifierTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String ISSUER = "https://auth.example/t/10001";
    private static final String CLIENT = "billing-service";
    private static final ECKey EC;
    private static final RSAKey RSA;
    private static final ECKey OTHER_EC;

    static {
        try {
            EC = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
            RSA = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            OTHER_EC = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TestClock clock = TestClock.at(NOW);
    private final InMemoryReplayRepository replayStore = new InMemoryReplayRepository();
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile JWKSet published = new JWKSet(EC.toPublicJWK());
    private final JwksUriCache remote = new JwksUriCache(uri -> {
        fetches.incrementAndGet();
        return published;
    }, ClientAssertionSettings.DEFAULTS, clock);
    private final ClientAssertionVerifier verifier = new ClientAssertionVerifier(
            new ReplayCache(replayStore, clock, 1000), remote, ClientAssertionSettings.DEFAULTS, clock);
    private final ClientCredential client = aClient().id(CLIENT)
            .keys(ClientKeys.inline(List.of(EC.toPublicJWK(), RSA.toPublicJWK()))).build();
    private Tenant tenant = new Tenant(TenantId.of("10001"), "T", TenantSettings.DEFAULTS, NOW);

    @Test
    void verifyWhenEs256AssertionForTheIssuerThenAccepted() {
        assertThat(verify(es256(c -> { }))).isEmpty();
    }

    @Test
    void verifyWhenRs256AssertionForTheTokenEndpointThenAccepted() {
        assertThat(verify(sign(RSA, JWSAlgorithm.RS256, claims(c -> c.audience(ISSUER + "/oauth2/token"))))).isEmpty();
    }

    @Test
    void verifyWhenPs256WithTheRsaKeyThenAccepted() {
        assertThat(verify(sign(RSA, JWSAlgorithm.PS256, claims(c -> { })))).isEmpty();
    }

    @Test
    void verifyWhenTokenEndpointAudienceAndTheTenantRefusesItThenWrongAudience() {
        tenant = new Tenant(tenant.id(), "T", TenantSettings.DEFAULTS.withTokenEndpointAudience(false), NOW);

        assertRefused(es256(c -> c.audience(ISSUER + "/oauth2/token")), Reason.ASSERTION_WRONG_AUDIENCE);
    }

    @Test
    void verifyWhenAudienceIsAnotherServerThenWrongAudience() {
        assertRefused(es256(c -> c.audience("https://other.example/t/10001")), Reason.ASSERTION_WRONG_AUDIENCE);
    }

    @Test
    void verifyWhenIssuerIsNotTheClientThenIssuerMismatch() {
        assertRefused(es256(c -> c.issuer("someone-else")), Reason.ASSERTION_ISSUER_MISMATCH);
    }

    @Test
    void verifyWhenSubjectIsNotTheClientThenIssuerMismatch() {
        assertRefused(es256(c -> c.subject("someone-else")), Reason.ASSERTION_ISSUER_MISMATCH);
    }

    @Test
    void verifyWhenExpiredThenExpired() {
        assertRefused(es256(c -> c.expirationTime(Date.from(NOW.minusSeconds(31)))), Reason.ASSERTION_EXPIRED);
    }

    @Test
    void verifyWhenExpiredWithinTheSkewThenAccepted() {
        assertThat(verify(es256(c -> c.expirationTime(Date.from(NOW.minusSeconds(20)))))).isEmpty();
    }

    @Test
    void verifyWhenNoExpThenExpired() {
        assertRefused(es256(c -> c.expirationTime(null)), Reason.ASSERTION_EXPIRED);
    }

    @Test
    void verifyWhenExpTooFarAheadThenLifetimeTooLong() {
        assertRefused(es256(c -> c.expirationTime(Date.from(NOW.plus(Duration.ofMinutes(6))))),
                Reason.ASSERTION_LIFETIME_TOO_LONG);
    }

    @Test
    void verifyWhenNbfInTheFutureThenNotYetValid() {
        assertRefused(es256(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(60)))), Reason.ASSERTION_NOT_YET_VALID);
    }

    @Test
    void verifyWhenIatInTheFutureThenNotYetValid() {
        assertRefused(es256(c -> c.issueTime(Date.from(NOW.plusSeconds(60)))), Reason.ASSERTION_NOT_YET_VALID);
    }

    @Test
    void verifyWhenNoJtiThenMalformed() {
        assertRefused(es256(c -> c.jwtID(null)), Reason.ASSERTION_MALFORMED);
    }

    @Test
    void verifyWhenTheSameAssertionTwiceThenTheSecondIsReplayed() {
        String assertion = es256(c -> { });
        assertThat(verify(assertion)).isEmpty();

        assertRefused(assertion, Reason.ASSERTION_REPLAYED);
    }

    @Test
    void verifyWhenRefusedBeforeTheSignatureThenTheJtiIsNotSpent() {
        String jti = UUID.randomUUID().toString();
        assertRefused(sign(OTHER_EC, JWSAlgorithm.ES256, claims(c -> c.jwtID(jti))), Reason.ASSERTION_BAD_SIGNATURE);

        assertThat(verify(es256(c -> c.jwtID(jti)))).isEmpty();
        assertThat(replayStore.recordCalls).hasValue(1);
    }

    @Test
    void verifyWhenAlgNoneThenAlgorithmRefused() {
        assertRefused(new PlainJWT(claims(c -> { })).serialize(), Reason.ASSERTION_ALGORITHM_REFUSED);
    }

    @Test
    void verifyWhenHs256KeyedWithThePublicKeyThenAlgorithmRefused() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("ec-1").build(), claims(c -> { }));
        jwt.sign(new MACSigner(EC.toPublicJWK().toJSONString().repeat(2).getBytes(StandardCharsets.UTF_8)));

        assertRefused(jwt.serialize(), Reason.ASSERTION_ALGORITHM_REFUSED);
    }

    @Test
    void verifyWhenRsaAlgorithmNamesTheEcKeyThenAlgorithmRefused() {
        // A signature made with the RSA key but a header naming the EC key's kid: alg is pinned to the key.
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("ec-1").build(), claims(c -> { }));
        try {
            jwt.sign(new RSASSASigner(RSA));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertRefused(jwt.serialize(), Reason.ASSERTION_ALGORITHM_REFUSED);
    }

    @Test
    void verifyWhenUnknownKidThenUnknownKey() {
        assertRefused(sign(new ECKey.Builder(OTHER_EC).keyID("nope").build(), JWSAlgorithm.ES256, claims(c -> { })),
                Reason.ASSERTION_UNKNOWN_KEY);
    }

    @Test
    void verifyWhenTheRightKidButAnotherKeySignedThenBadSignature() {
        assertRefused(sign(OTHER_EC, JWSAlgorithm.ES256, claims(c -> { })), Reason.ASSERTION_BAD_SIGNATURE);
    }

    @Test
    void verifyWhenNotAJwtThenMalformed() {
        assertRefused("not.a.jwt", Reason.ASSERTION_MALFORMED);
    }

    @Test
    void verifyWhenTheClientUsesASecretThenAuthMethodNotAllowed() {
        ClientCredential secretClient = aClient().id(CLIENT).build();

        Optional<TokenRefusal> refusal = verifier.verify(tenant, secretClient,
                PresentedCredentials.assertion(CLIENT, es256(c -> { })), ISSUER);

        assertThat(refusal).get().extracting(TokenRefusal::reason).isEqualTo(Reason.AUTH_METHOD_NOT_ALLOWED);
    }

    @Test
    void verifyWhenTheClientIsUnknownThenUnknownClient() {
        Optional<TokenRefusal> refusal = verifier.verify(tenant, null, PresentedCredentials.assertion(CLIENT,
                es256(c -> { })), ISSUER);

        assertThat(refusal).get().extracting(TokenRefusal::reason).isEqualTo(Reason.UNKNOWN_CLIENT);
    }

    @Test
    void verifyWhenTheClientIsDisabledThenDisabled() {
        Optional<TokenRefusal> refusal = verifier.verify(tenant, client.withEnabled(false, NOW),
                PresentedCredentials.assertion(CLIENT, es256(c -> { })), ISSUER);

        assertThat(refusal).get().extracting(TokenRefusal::reason).isEqualTo(Reason.CLIENT_DISABLED);
    }

    @Test
    void verifyWhenJwksUriAndANewKidThenRefetchedOnceAndAccepted() throws Exception {
        ClientCredential remoteClient = aClient().id(CLIENT).keys(ClientKeys.remote(URI.create("https://client.example/jwks")))
                .build();
        ECKey rotated = new ECKeyGenerator(Curve.P_256).keyID("ec-2").generate();
        assertThat(verifier.verify(tenant, remoteClient, PresentedCredentials.assertion(CLIENT, es256(c -> { })), ISSUER))
                .isEmpty();
        published = new JWKSet(List.of(EC.toPublicJWK(), rotated.toPublicJWK()));
        clock.advance(ClientAssertionSettings.DEFAULTS.jwksRefetchEvery());

        assertThat(verifier.verify(tenant, remoteClient, PresentedCredentials.assertion(CLIENT,
                sign(rotated, JWSAlgorithm.ES256, claims(c -> { }))), ISSUER)).isEmpty();
        assertThat(fetches).hasValue(2);
    }

    @Test
    void verifyWhenJwksUriAndUnknownKidsFloodThenOneFetchPerInterval() {
        ClientCredential remoteClient = aClient().id(CLIENT).keys(ClientKeys.remote(URI.create("https://client.example/jwks")))
                .build();
        for (int i = 0; i < 20; i++) {
            String assertion = sign(new ECKey.Builder(OTHER_EC).keyID("made-up-" + i).build(), JWSAlgorithm.ES256,
                    claims(c -> { }));
            assertThat(verifier.verify(tenant, remoteClient, PresentedCredentials.assertion(CLIENT, assertion), ISSUER))
                    .get().extracting(TokenRefusal::reason).isEqualTo(Reason.ASSERTION_UNKNOWN_KEY);
        }

        assertThat(fetches).hasValue(1);
    }

    @Test
    void verifyWhenJwksUriFetchFailsThenClientKeysUnavailable() {
        JwksUriCache failing = new JwksUriCache(uri -> {
            throw new JwksUriCache.FetchException("answered HTTP 500");
        }, ClientAssertionSettings.DEFAULTS, clock);
        ClientAssertionVerifier withFailing = new ClientAssertionVerifier(new ReplayCache(replayStore, clock, 10),
                failing, ClientAssertionSettings.DEFAULTS, clock);
        ClientCredential remoteClient = aClient().id(CLIENT).keys(ClientKeys.remote(URI.create("https://client.example/jwks")))
                .build();

        Optional<TokenRefusal> refusal = withFailing.verify(tenant, remoteClient,
                PresentedCredentials.assertion(CLIENT, es256(c -> { })), ISSUER);

        assertThat(refusal).get().extracting(TokenRefusal::reason).isEqualTo(Reason.CLIENT_KEYS_UNAVAILABLE);
        assertThat(refusal.get().detail()).contains("HTTP 500");
    }

    private void assertRefused(String assertion, Reason reason) {
        Optional<TokenRefusal> refusal = verify(assertion);
        assertThat(refusal).as("refusal").isPresent();
        assertThat(refusal.get().reason()).isEqualTo(reason);
        assertThat(refusal.get().error()).isEqualTo(OAuthErrorCode.INVALID_CLIENT);
        assertThat(refusal.get().description()).isEqualTo("client authentication failed");
        assertThat(refusal.get().detail()).isNotBlank();
    }

    private Optional<TokenRefusal> verify(String assertion) {
        return verifier.verify(tenant, client, PresentedCredentials.assertion(CLIENT, assertion), ISSUER);
    }

    private String es256(Consumer<JWTClaimsSet.Builder> change) {
        return sign(EC, JWSAlgorithm.ES256, claims(change));
    }

    static JWTClaimsSet claimsAt(Instant now, String client, String audience, Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(client).subject(client).audience(audience)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)))
                .jwtID(UUID.randomUUID().toString());
        change.accept(builder);
        return builder.build();
    }

    private JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> change) {
        return claimsAt(NOW, CLIENT, ISSUER, change);
    }

    private static String sign(com.nimbusds.jose.jwk.JWK key, JWSAlgorithm alg, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT)
                    .build(), claims);
            jwt.sign(key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
