package dev.tollgate.server;

import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.testing.TestClock;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.key.KeyState;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.verifier.Reason;
import dev.tollgate.verifier.TokenVerifier;
import dev.tollgate.verifier.Verification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtException;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3's must-show: Spring Security's resource-server decoder ({@code NimbusJwtDecoder.withJwkSetUri}
 * with the RFC 9068 validators) and our verifier library agree on accept/reject for the same tokens,
 * real ones from the server and forged ones, judged at the same moment of the server's clock.
 */
class VerifierAgreementTest {

    private static final String API_AUDIENCE = "https://api.example.test";

    private TestServer server;

    @BeforeEach
    void startServer() {
        server = TestServer.embedded();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void verifiersWhenValidTokenThenBothAccept() {
        assertBothAccept(token());
    }

    @Test
    void verifiersWhenExpiredTokenThenBothReject() {
        String token = token();
        // Past exp by more than both sides' 60 s skew.
        server.clock().advance(Duration.ofSeconds(3600 + 120));

        assertBothReject(token, Reason.EXPIRED);
    }

    @Test
    void verifiersWhenNotYetValidTokenThenBothReject() {
        String token = token();

        // A resource server whose clock is two minutes behind the issuer's: nbf is ahead beyond the skew.
        Clock behind = TestClock.at(server.clock().instant().minusSeconds(120));

        assertBothReject(token, defaultAudience(), behind, Reason.NOT_YET_VALID);
    }

    @Test
    void verifiersWhenTokenOfAnotherTenantThenBothReject() {
        ProvisionedTenant other = Administration.of(server.app()).tenants.create(TenantId.of("20002"), "Other",
                TenantSettings.DEFAULTS.withSigningAlgorithm(SigningAlgorithm.ES256));
        ClientWithSecret otherClient = other.clients().stream()
                .filter(c -> c.client().builtin() == BuiltinClient.DEFAULT).findFirst().orElseThrow();
        String token = NimbusClient.accessToken(URI.create(server.baseUrl() + "/t/20002/oauth2/token"),
                NimbusClient.basic(otherClient), null);

        // Signed by tenant 20002's key, which tenant 10001's JWKS does not publish.
        assertBothReject(token, Reason.UNKNOWN_KEY);
    }

    @Test
    void verifiersWhenTokenForAnotherAudienceThenBothRejectAndBothAcceptItForItsOwn() {
        ClientWithSecret client = Administration.of(server.app()).clients.create(TENANT, new ClientSpec("agreement-api",
                ScopeSet.of("users:read"), null, List.of(API_AUDIENCE), null, null));
        String token = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(client), "users:read",
                URI.create(API_AUDIENCE));

        assertBothReject(token, Reason.WRONG_AUDIENCE);
        assertBothAccept(token, API_AUDIENCE);
    }

    @Test
    void verifiersWhenTamperedPayloadThenBothReject() throws Exception {
        String token = token();
        String[] parts = token.split("\\.");
        JWTClaimsSet widened = new JWTClaimsSet.Builder(SignedJWT.parse(token).getJWTClaimsSet())
                .claim("scope", "users:read users:write admin").build();
        String tampered = parts[0] + "." + Base64URL.encode(widened.toString().getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];

        assertBothReject(tampered, Reason.BAD_SIGNATURE);
    }

    @Test
    void verifiersWhenAlgNoneThenBothReject() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(token()).getJWTClaimsSet();
        String unsigned = new PlainJWT(new PlainHeader.Builder()
                .type(new com.nimbusds.jose.JOSEObjectType("at+jwt")).build(), claims).serialize();

        assertBothReject(unsigned, Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void verifiersWhenHs256SignedWithThePublishedPublicKeyThenBothReject() throws Exception {
        SignedJWT real = SignedJWT.parse(token());
        ECKey publicKey = ((ECKey) keyInState(KeyState.CURRENT).privateJwk()).toPublicJWK();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(real.getHeader().getType()).keyID(publicKey.getKeyID()).build(), real.getJWTClaimsSet());
        forged.sign(new MACSigner(publicKey.toECPublicKey().getEncoded()));

        assertBothReject(forged.serialize(), Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void verifiersWhenUnknownKidSignedWithAFreshKeyThenBothReject() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();

        assertBothReject(resign(token(), stranger, server.clock().instant()), Reason.UNKNOWN_KEY);
    }

    @Test
    void verifiersWhenSignedWithARetiredKeyWithinItsGracePeriodThenBothAccept() throws Exception {
        String token = token();
        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        Administration.of(server.app()).keys.rotate(TENANT);
        SigningKey retired = keyInState(KeyState.RETIRED);
        server.clock().set(retired.publishUntil().minusSeconds(3600 + 60));

        // Still published: a token it signed (here re-minted at this moment) verifies on both sides.
        assertBothAccept(resign(token, (ECKey) retired.privateJwk(), server.clock().instant()));
    }

    @Test
    void verifiersWhenSignedWithARetiredKeyPastItsGracePeriodThenBothReject() throws Exception {
        String token = token();
        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        Administration.of(server.app()).keys.rotate(TENANT);
        SigningKey retired = keyInState(KeyState.RETIRED);
        server.clock().set(retired.publishUntil().plusSeconds(1));

        // Fresh claims, so the key being gone from the JWKS is the only thing wrong with it.
        assertBothReject(resign(token, (ECKey) retired.privateJwk(), server.clock().instant()), Reason.UNKNOWN_KEY);
    }

    private void assertBothAccept(String token) {
        assertBothAccept(token, defaultAudience());
    }

    private void assertBothAccept(String token, String audience) {
        assertThat(springAccepts(token, audience, server.clock())).as("Spring accepts").isTrue();
        Verification ours = verifier(audience, server.clock()).verify(token);
        assertThat(ours).as("verifier accepts").isInstanceOf(Verification.Valid.class);
    }

    private void assertBothReject(String token, Reason reason) {
        assertBothReject(token, defaultAudience(), server.clock(), reason);
    }

    private void assertBothReject(String token, String audience, Clock clock, Reason reason) {
        assertThat(springAccepts(token, audience, clock)).as("Spring accepts").isFalse();
        Verification ours = verifier(audience, clock).verify(token);
        assertThat(ours).as("verifier rejects").isInstanceOfSatisfying(Verification.Invalid.class,
                bad -> assertThat(bad.reason()).isEqualTo(reason));
    }

    private boolean springAccepts(String token, String audience, Clock clock) {
        try {
            SpringResourceServer.decoder(server.jwksUri().toString(), server.issuer(), audience, clock).decode(token);
            return true;
        } catch (JwtException rejected) {
            return false;
        }
    }

    private TokenVerifier verifier(String audience, Clock clock) {
        return TokenVerifier.builder()
                .issuer(server.issuer())
                .jwksUri(server.jwksUri())
                .audience(audience)
                .tenant(TENANT.value())
                .clock(clock)
                .build();
    }

    private String defaultAudience() {
        return server.issuer() + "/api";
    }

    private String token() {
        return NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()), null);
    }

    /** The claims of a real token, issued again at {@code now} and signed by {@code key} under its kid. */
    private static String resign(String token, ECKey key, Instant now) throws Exception {
        SignedJWT real = SignedJWT.parse(token);
        JWTClaimsSet claims = new JWTClaimsSet.Builder(real.getJWTClaimsSet())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(real.getHeader().getType()).keyID(key.getKeyID()).build(), claims);
        forged.sign(new ECDSASigner(key));
        return forged.serialize();
    }

    private SigningKey keyInState(KeyState state) {
        List<SigningKey> keys = Administration.of(server.app()).keys.list(TENANT).stream().filter(k -> k.state() == state).toList();
        assertThat(keys).as("keys in state " + state).hasSize(1);
        return keys.get(0);
    }
}
