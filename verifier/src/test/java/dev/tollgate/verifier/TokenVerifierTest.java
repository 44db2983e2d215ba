package dev.tollgate.verifier;

import dev.tollgate.testing.TestClock;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static dev.tollgate.verifier.Tokens.AT_JWT;
import static dev.tollgate.verifier.Tokens.AUDIENCE;
import static dev.tollgate.verifier.Tokens.CLIENT_ID;
import static dev.tollgate.verifier.Tokens.ISSUER;
import static dev.tollgate.verifier.Tokens.TENANT;
import static dev.tollgate.verifier.Tokens.claims;
import static dev.tollgate.verifier.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One test per branch of {@link TokenVerifier}, with keys made here and time from a {@link TestClock}. */
class TokenVerifierTest {

    private final TestClock clock = TestClock.startingNow();
    private final ECKey key = Tokens.ecKey();

    private TokenVerifier.Builder verifierFor(JWK... keys) {
        return TokenVerifier.builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .tenant(TENANT)
                .clock(clock)
                .jwkSet(new JWKSet(List.of(keys)).toPublicJWKSet());
    }

    private TokenVerifier verifier() {
        return verifierFor(key).build();
    }

    private String token() {
        return sign(key, claims(clock.instant()).build());
    }

    private static Verification.Invalid invalid(Verification verification) {
        assertThat(verification).isInstanceOf(Verification.Invalid.class);
        return (Verification.Invalid) verification;
    }

    private static void assertInvalidToken(Verification verification, Reason reason) {
        Verification.Invalid bad = invalid(verification);
        assertThat(bad.reason()).isEqualTo(reason);
        assertThat(bad.reason().error()).isEqualTo("invalid_token");
        assertThat(bad.reason().httpStatus()).isEqualTo(401);
        assertThat(bad.wwwAuthenticate("api")).startsWith("Bearer realm=\"api\", error=\"invalid_token\", error_description=\"");
    }

    @Test
    void verifyWhenValidThenPrincipalWithClientTenantScopesAndAuthorities() {
        String token = token();

        Verification verification = verifier().verify(token, Set.of("users:read"));

        assertThat(verification.isValid()).isTrue();
        Principal who = ((Verification.Valid) verification).principal();
        assertThat(who.clientId()).isEqualTo(CLIENT_ID);
        assertThat(who.tenant()).isEqualTo(TENANT);
        assertThat(who.scopes()).containsExactlyInAnyOrder("users:read", "users:write");
        assertThat(who.hasScope("users:write")).isTrue();
        assertThat(who.authorities()).containsExactly("ROLE_USER_ADMIN");
        assertThat(who.audiences()).containsExactly(AUDIENCE);
        assertThat(who.jti()).isNotBlank();
        assertThat(who.expiresAt()).isEqualTo(clock.instant().plusSeconds(3600));
        assertThat(who.claims()).containsEntry("client_name", "Default Client Credential")
                .containsEntry("sub", CLIENT_ID);
    }

    @Test
    void verifyWhenNoScopeRequiredThenValid() {
        assertThat(verifier().verify(token()).isValid()).isTrue();
    }

    @Test
    void verifyWhenTypIsTheFullMediaTypeThenValid() {
        String token = sign(key, new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("application/at+jwt"))
                .keyID(key.getKeyID()).build(), claims(clock.instant()).build());

        assertThat(verifier().verify(token).isValid()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256"})
    void verifyWhenTenantSignsWithRsaAndThatAlgorithmIsPinnedThenValid(String name) {
        JWSAlgorithm alg = JWSAlgorithm.parse(name);
        RSAKey rsa = Tokens.rsaKey(alg);
        String token = sign(rsa, claims(clock.instant()).build());

        assertThat(verifierFor(rsa).algorithms(alg).build().verify(token).isValid()).isTrue();
        // Pinned to ES256 (the default), the same token is refused before any key is looked at.
        assertInvalidToken(verifierFor(rsa).build().verify(token), Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void verifyWhenTenantSignsWithEdDsaAndEdDsaIsPinnedThenValid() {
        OctetKeyPair ed = Tokens.edKey();
        String token = sign(ed, claims(clock.instant()).build());

        assertThat(verifierFor(ed).algorithms(JWSAlgorithm.EdDSA).build().verify(token).isValid()).isTrue();
        // The same key, a different token signed with another Ed25519 key under its kid: refused.
        OctetKeyPair impostor = new OctetKeyPair.Builder(Tokens.edKey()).keyID(ed.getKeyID()).build();
        assertInvalidToken(verifierFor(ed).algorithms(JWSAlgorithm.EdDSA).build()
                .verify(sign(impostor, claims(clock.instant()).build())), Reason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenAlgNoneThenInvalidToken() {
        String unsigned = new PlainJWT(claims(clock.instant()).build()).serialize();

        Verification verification = verifier().verify(unsigned);

        assertInvalidToken(verification, Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void verifyWhenHs256SignedWithTheEcPublicKeyThenAlgorithmNotAllowed() throws Exception {
        // The classic confusion attack (RFC 8725 §2.1): the public key's bytes used as an HMAC secret.
        String forged = hmacWithPublicKey(key.toECPublicKey().getEncoded(), key.getKeyID());

        assertInvalidToken(verifier().verify(forged), Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void verifyWhenHs256SignedWithTheRsaPublicKeyThenAlgorithmNotAllowed() throws Exception {
        RSAKey rsa = Tokens.rsaKey(JWSAlgorithm.RS256);
        String forged = hmacWithPublicKey(rsa.toRSAPublicKey().getEncoded(), rsa.getKeyID());

        assertInvalidToken(verifierFor(rsa).algorithms(JWSAlgorithm.RS256).build().verify(forged),
                Reason.ALGORITHM_NOT_ALLOWED);
    }

    private String hmacWithPublicKey(byte[] publicKey, String kid) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(AT_JWT).keyID(kid).build(),
                claims(clock.instant()).build());
        jwt.sign(new MACSigner(publicKey));
        return jwt.serialize();
    }

    @Test
    void verifyWhenPayloadTamperedThenBadSignature() throws Exception {
        String[] parts = token().split("\\.");
        JWTClaimsSet widened = new JWTClaimsSet.Builder(SignedJWT.parse(token()).getJWTClaimsSet())
                .claim("scope", "users:read users:write admin").build();
        String tampered = parts[0] + "." + Base64URL.encode(widened.toString().getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];

        assertInvalidToken(verifier().verify(tampered), Reason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenSignedByAnotherKeyUnderAPublishedKidThenBadSignature() {
        ECKey impostor = new ECKey.Builder(Tokens.ecKey()).keyID(key.getKeyID()).build();

        assertInvalidToken(verifier().verify(sign(impostor, claims(clock.instant()).build())), Reason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenKidUnknownThenUnknownKey() {
        String token = sign(Tokens.ecKey(), claims(clock.instant()).build());

        assertInvalidToken(verifier().verify(token), Reason.UNKNOWN_KEY);
    }

    @Test
    void verifyWhenTypIsJwtThenWrongType() {
        String token = sign(key, new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID(key.getKeyID()).build(), claims(clock.instant()).build());

        assertInvalidToken(verifier().verify(token), Reason.WRONG_TYPE);
    }

    @Test
    void verifyWhenTypMissingThenWrongType() {
        String token = sign(key, new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                claims(clock.instant()).build());

        assertInvalidToken(verifier().verify(token), Reason.WRONG_TYPE);
    }

    @Test
    void verifyWhenExpiredBeyondTheSkewThenExpired() {
        String token = token();
        clock.advance(Duration.ofSeconds(3600 + 61));

        Verification.Invalid bad = invalid(verifier().verify(token));

        assertThat(bad.reason()).isEqualTo(Reason.EXPIRED);
        assertThat(bad.wwwAuthenticate("api"))
                .isEqualTo("Bearer realm=\"api\", error=\"invalid_token\", error_description=\"token expired\"");
    }

    @Test
    void verifyWhenExpiredWithinTheSkewThenValid() {
        String token = token();
        clock.advance(Duration.ofSeconds(3600 + 60));

        assertThat(verifier().verify(token).isValid()).isTrue();
        assertInvalidToken(verifierFor(key).clockSkew(Duration.ZERO).build().verify(token), Reason.EXPIRED);
    }

    @Test
    void verifyWhenNotBeforeIsAheadBeyondTheSkewThenNotYetValid() {
        Instant later = clock.instant().plusSeconds(61);
        String token = sign(key, claims(clock.instant()).notBeforeTime(java.util.Date.from(later)).build());

        assertInvalidToken(verifier().verify(token), Reason.NOT_YET_VALID);
    }

    @Test
    void verifyWhenNotBeforeIsAheadWithinTheSkewThenValid() {
        Instant later = clock.instant().plusSeconds(60);
        String token = sign(key, claims(clock.instant()).notBeforeTime(java.util.Date.from(later)).build());

        assertThat(verifier().verify(token).isValid()).isTrue();
    }

    @Test
    void verifyWhenIssuerDiffersThenWrongIssuer() {
        String token = sign(key, claims(clock.instant()).issuer("https://auth.example.test/t/10001/").build());

        assertInvalidToken(verifier().verify(token), Reason.WRONG_ISSUER);
    }

    @Test
    void verifyWhenAudienceDiffersThenWrongAudience() {
        String token = sign(key, claims(clock.instant()).audience("https://other.example.test").build());

        assertInvalidToken(verifier().verify(token), Reason.WRONG_AUDIENCE);
    }

    @Test
    void verifyWhenAudienceIsAnArrayHoldingOursThenValid() {
        String token = sign(key, claims(clock.instant()).audience(List.of("https://other.example.test", AUDIENCE))
                .build());

        assertThat(verifier().verify(token).isValid()).isTrue();
    }

    @Test
    void verifyWhenTokenIsOfAnotherTenantThenWrongTenant() {
        String token = sign(key, claims(clock.instant()).claim("customer_id", "20002").build());

        assertInvalidToken(verifier().verify(token), Reason.WRONG_TENANT);
        // Without a tenant pinned, the principal says whose it is.
        Verification any = verifierFor(key).tenant(null).build().verify(token);
        assertThat(((Verification.Valid) any).principal().tenant()).isEqualTo("20002");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iss", "exp", "aud", "sub", "client_id", "iat", "jti", "customer_id"})
    void verifyWhenRequiredClaimMissingThenMissingClaim(String claim) {
        String token = sign(key, claims(clock.instant()).claim(claim, null).build());

        Verification.Invalid bad = invalid(verifier().verify(token));

        assertThat(bad.reason()).isEqualTo(Reason.MISSING_CLAIM);
        assertThat(bad.description()).isEqualTo(claim + " is missing");
    }

    @Test
    void verifyWhenClientIdIsNotAStringThenMissingClaim() {
        String token = sign(key, claims(clock.instant()).claim("client_id", 42).build());

        assertInvalidToken(verifier().verify(token), Reason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenRequiredScopeMissingThenInsufficientScopeWithTheScopeInTheHeader() {
        String token = sign(key, claims(clock.instant()).claim("scope", "users:read").build());

        Verification.Invalid bad = invalid(verifier().verify(token, Set.of("users:write", "users:read")));

        assertThat(bad.reason()).isEqualTo(Reason.INSUFFICIENT_SCOPE);
        assertThat(bad.reason().error()).isEqualTo("insufficient_scope");
        assertThat(bad.reason().httpStatus()).isEqualTo(403);
        assertThat(bad.wwwAuthenticate("users-api")).isEqualTo("Bearer realm=\"users-api\", "
                + "error=\"insufficient_scope\", error_description=\"token lacks a required scope\", "
                + "scope=\"users:read users:write\"");
    }

    @Test
    void verifyWhenRevocationCheckSaysRevokedThenInvalidTokenEvenWithoutTheScope() {
        String token = token();
        String jti = ((Verification.Valid) verifier().verify(token)).principal().jti();
        TokenVerifier checking = verifierFor(key).revocationCheck(p -> p.jti().equals(jti)).build();

        assertInvalidToken(checking.verify(token), Reason.REVOKED);
        // Revocation is decided before the scope: a revoked token is a 401, not a 403.
        assertInvalidToken(checking.verify(token, Set.of("not:granted")), Reason.REVOKED);
        assertThat(checking.verify(token())).isInstanceOf(Verification.Valid.class);
    }

    @Test
    void verifyWhenScopeIsAJsonArrayThenItsScopesAreGranted() {
        String token = sign(key, claims(clock.instant()).claim("scope", List.of("users:read", "reports:read")).build());

        Verification verification = verifier().verify(token, Set.of("reports:read"));

        assertThat(((Verification.Valid) verification).principal().scopes())
                .containsExactlyInAnyOrder("users:read", "reports:read");
    }

    @Test
    void verifyWhenScopeAbsentThenNoScopesAndAnyRequiredScopeIsInsufficient() {
        String token = sign(key, claims(clock.instant()).claim("scope", null).build());

        assertThat(((Verification.Valid) verifier().verify(token)).principal().scopes()).isEmpty();
        assertThat(invalid(verifier().verify(token, Set.of("users:read"))).reason())
                .isEqualTo(Reason.INSUFFICIENT_SCOPE);
    }

    @Test
    void verifyWhenScopeIsANumberThenMissingClaim() {
        String token = sign(key, claims(clock.instant()).claim("scope", 7).build());

        assertInvalidToken(verifier().verify(token), Reason.MISSING_CLAIM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not-a-jwt", "a.b.c", "eyJhbGciOiJFUzI1NiJ9.e30"})
    void verifyWhenNotACompactJwsThenMalformed(String token) {
        assertInvalidToken(verifier().verify(token), Reason.MALFORMED);
    }

    @Test
    void verifyWhenTokenNullThenMalformed() {
        assertInvalidToken(verifier().verify(null), Reason.MALFORMED);
    }

    @Test
    void verifyWhenJwksUnreachableThenKeysUnavailableWith503AndNoErrorCode() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            closedPort = socket.getLocalPort();
        }
        TokenVerifier verifier = TokenVerifier.builder().issuer(ISSUER).audience(AUDIENCE).clock(clock)
                .jwksUri(URI.create("http://127.0.0.1:" + closedPort + "/oauth2/jwks")).build();

        Verification.Invalid bad = invalid(verifier.verify(token()));

        assertThat(bad.reason()).isEqualTo(Reason.KEYS_UNAVAILABLE);
        assertThat(bad.reason().httpStatus()).isEqualTo(503);
        assertThat(bad.reason().error()).isNull();
        assertThat(bad.wwwAuthenticate("api")).isEqualTo("Bearer realm=\"api\"");
    }

    @Test
    void wwwAuthenticateWhenRealmHasAQuoteThenItIsDropped() {
        Verification.Invalid bad = new Verification.Invalid(Reason.EXPIRED, "a \"quoted\" \\ text", Set.of());

        assertThat(bad.wwwAuthenticate("my \"api\""))
                .isEqualTo("Bearer realm=\"my api\", error=\"invalid_token\", error_description=\"a quoted  text\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS512", "none", "ES256K"})
    void buildWhenAlgorithmIsSymmetricNoneOrUnsupportedThenRefusedNamingTheSetting(String name) {
        assertThatThrownBy(() -> verifierFor(key).algorithms(JWSAlgorithm.parse(name)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("algorithms: " + name);
    }

    @Test
    void buildWhenSettingMissingThenRefusedNamingIt() {
        assertThatThrownBy(() -> verifierFor(key).issuer(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("issuer:");
        assertThatThrownBy(() -> TokenVerifier.builder().issuer(ISSUER).jwkSet(new JWKSet(key)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("audience:");
        assertThatThrownBy(() -> TokenVerifier.builder().issuer(ISSUER).audience(AUDIENCE).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("jwksUri, jwkSet, jwkSetSource:");
        assertThatThrownBy(() -> verifierFor(key).clockSkew(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("clockSkew:");
    }
}
