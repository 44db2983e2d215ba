package dev.tollgate.verifier;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DPoPProofVerifier} one check at a time (RFC 9449 §4.3), on an injected clock, and
 * {@link TokenVerifier}'s DPoP path (§7): a bound token needs its key's proof, never goes as Bearer.
 */
class DPoPProofVerifierTest {

    private static final URI TOKEN_ENDPOINT = URI.create("https://auth.example.test/t/10001/oauth2/token");
    private static final URI USERS = URI.create("https://auth.example.test/t/10001/api/v1/users");

    private final TestClock clock = TestClock.startingNow();
    private final ECKey key = Tokens.ecKey();
    private final DPoPProofVerifier proofs = DPoPProofVerifier.builder().clock(clock).build();

    @Test
    void proofWhenEveryCheckPassesThenValidWithTheKeysThumbprint() throws Exception {
        var result = proofs.verify(List.of(proof("POST", TOKEN_ENDPOINT.toString(), null, null)), "POST",
                TOKEN_ENDPOINT, null, null);

        assertThat(result).isEqualTo(new DPoPProofVerifier.Valid(key.computeThumbprint().toString(),
                ((DPoPProofVerifier.Valid) result).jti()));
    }

    @Test
    void proofWhenHtuDiffersOnlyInCaseDefaultPortQueryOrFragmentThenValid() {
        // RFC 9449 §4.3 item 9 with RFC 3986 §6.2.2/§6.2.3 normalisation.
        for (String htu : List.of("HTTPS://Auth.Example.TEST:443/t/10001/oauth2/token",
                "https://auth.example.test/t/10001/oauth2/token?x=1#f",
                "https://auth.example.test/t/10001/./oauth2/token",
                "https://auth.example.test/t/1000%31/oauth2/token")) {
            assertThat(proofs.verify(List.of(proof("POST", htu, null, null)), "POST", TOKEN_ENDPOINT, null, null))
                    .as(htu).isInstanceOf(DPoPProofVerifier.Valid.class);
        }
    }

    @Test
    void proofWhenHtuNamesAnotherPathPortOrSchemeThenInvalidDpopProof() {
        for (String htu : List.of("https://auth.example.test/t/10002/oauth2/token",
                "https://auth.example.test:8443/t/10001/oauth2/token",
                "http://auth.example.test/t/10001/oauth2/token", "not a uri", "/t/10001/oauth2/token",
                "https://auth.example.test/t/10001%2Foauth2/token", "https://user@auth.example.test/t/10001/oauth2/token",
                "https://auth.example.test/t/10001/oauth2/token%")) {
            assertThat(proofs.verify(List.of(proof("POST", htu, null, null)), "POST", TOKEN_ENDPOINT, null, null))
                    .as(htu).isEqualTo(new DPoPProofVerifier.Invalid("invalid_dpop_proof",
                            "DPoP proof htu does not match the request URI"));
        }
    }

    @Test
    void proofWhenIatOutsideTheWindowOnTheInjectedClockThenRefusedAndInsideThenAccepted() {
        String proof = proof("POST", TOKEN_ENDPOINT.toString(), null, null);

        clock.advance(Duration.ofSeconds(61));
        assertThat(proofs.verify(List.of(proof), "POST", TOKEN_ENDPOINT, null, null))
                .isEqualTo(new DPoPProofVerifier.Invalid("invalid_dpop_proof", "DPoP proof iat is too old"));
        clock.advance(Duration.ofSeconds(-61 - 6));
        assertThat(proofs.verify(List.of(proof), "POST", TOKEN_ENDPOINT, null, null))
                .isEqualTo(new DPoPProofVerifier.Invalid("invalid_dpop_proof", "DPoP proof iat is in the future"));
        clock.advance(Duration.ofSeconds(6 + 30));
        assertThat(proofs.verify(List.of(proof), "POST", TOKEN_ENDPOINT, null, null))
                .isInstanceOf(DPoPProofVerifier.Valid.class);
    }

    @Test
    void proofWhenRefusedForAnotherReasonThenItsJtiIsNotUsedUp() {
        String jti = UUID.randomUUID().toString();
        String proof = proof("POST", TOKEN_ENDPOINT.toString(), null, null, jti);

        assertThat(proofs.verify(List.of(proof), "GET", TOKEN_ENDPOINT, null, null))
                .isInstanceOf(DPoPProofVerifier.Invalid.class);
        assertThat(proofs.verify(List.of(proof), "POST", TOKEN_ENDPOINT, null, null))
                .isInstanceOf(DPoPProofVerifier.Valid.class);
        assertThat(proofs.verify(List.of(proof), "POST", TOKEN_ENDPOINT, null, null))
                .isEqualTo(new DPoPProofVerifier.Invalid("invalid_dpop_proof", "DPoP proof jti was used before"));
    }

    @Test
    void proofWhenNonceRequiredThenMissingOrStaleIsUseDpopNonceAndCurrentIsValid() {
        var missing = proofs.verify(List.of(proof("POST", TOKEN_ENDPOINT.toString(), null, null)), "POST",
                TOKEN_ENDPOINT, null, "n-1"::equals);
        var stale = proofs.verify(List.of(proof("POST", TOKEN_ENDPOINT.toString(), null, "n-0")), "POST",
                TOKEN_ENDPOINT, null, "n-1"::equals);
        var current = proofs.verify(List.of(proof("POST", TOKEN_ENDPOINT.toString(), null, "n-1")), "POST",
                TOKEN_ENDPOINT, null, "n-1"::equals);

        assertThat(missing).isInstanceOfSatisfying(DPoPProofVerifier.Invalid.class,
                i -> assertThat(i.error()).isEqualTo("use_dpop_nonce"));
        assertThat(stale).isInstanceOfSatisfying(DPoPProofVerifier.Invalid.class,
                i -> assertThat(i.error()).isEqualTo("use_dpop_nonce"));
        assertThat(current).isInstanceOf(DPoPProofVerifier.Valid.class);
    }

    @Test
    void boundTokenWhenPresentedAsBearerThenRefusedWithDpopChallenge() throws Exception {
        TokenVerifier verifier = verifier();
        String token = boundToken();

        Verification result = verifier.verify(token, Set.of("users:read"));

        assertThat(result).isInstanceOfSatisfying(Verification.Invalid.class, invalid -> {
            assertThat(invalid.reason()).isEqualTo(Reason.DPOP_BOUND_TOKEN);
            assertThat(invalid.wwwAuthenticate("api")).startsWith("DPoP realm=\"api\", error=\"invalid_token\"")
                    .contains("algs=\"").contains("ES256");
        });
    }

    @Test
    void boundTokenWhenProofCarriesItsHashAndKeyThenValidAndWithAnotherHashOrKeyThenRefused() throws Exception {
        TokenVerifier verifier = verifier();
        String token = boundToken();

        Verification ok = verifier.verifyDPoP(token, List.of(proof("GET", USERS.toString(), token, null)), "GET",
                USERS, Set.of("users:read"));
        Verification otherHash = verifier.verifyDPoP(token, List.of(proof("GET", USERS.toString(), token + "x", null)),
                "GET", USERS, Set.of("users:read"));
        ECKey other = Tokens.ecKey();
        Verification otherKey = verifier.verifyDPoP(token,
                List.of(proof(other, "GET", USERS.toString(), token, null, UUID.randomUUID().toString())),
                "GET", USERS, Set.of("users:read"));

        assertThat(ok).isInstanceOf(Verification.Valid.class);
        assertThat(otherHash).isInstanceOfSatisfying(Verification.Invalid.class, i -> {
            assertThat(i.reason()).isEqualTo(Reason.INVALID_DPOP_PROOF);
            assertThat(i.wwwAuthenticate("api")).startsWith("DPoP realm=\"api\", error=\"invalid_dpop_proof\"");
        });
        assertThat(otherKey).isInstanceOfSatisfying(Verification.Invalid.class,
                i -> assertThat(i.reason()).isEqualTo(Reason.DPOP_BOUND_TOKEN));
    }

    @Test
    void tokenBoundToKeyAndCertificateWhenProofAndCertificateThenValidAndWhenEitherMissingThenRefused()
            throws Exception {
        // RFC 7800 §3.1: one cnf with both members (RFC 9449 §6.1 jkt, RFC 8705 §3.1 x5t#S256): both must hold.
        TokenVerifier verifier = verifier();
        String token = Tokens.sign(signingKey, Tokens.claims(clock.instant()).claim("cnf", Map.of(
                "jkt", key.computeThumbprint().toString(),
                "x5t#S256", com.nimbusds.jose.util.X509CertUtils.computeSHA256Thumbprint(
                        CertificateBoundTokenTest.CLIENT_A).toString())).build());

        Verification both = verifier.verifyDPoP(token, List.of(proof("GET", USERS.toString(), token, null)), "GET",
                USERS, Set.of("users:read"), CertificateBoundTokenTest.CLIENT_A);
        Verification noCertificate = verifier.verifyDPoP(token, List.of(proof("GET", USERS.toString(), token, null)),
                "GET", USERS, Set.of("users:read"));
        Verification otherCertificate = verifier.verifyDPoP(token,
                List.of(proof("GET", USERS.toString(), token, null)), "GET", USERS, Set.of("users:read"),
                CertificateBoundTokenTest.CLIENT_B);
        Verification asBearer = verifier.verify(token, Set.of("users:read"), CertificateBoundTokenTest.CLIENT_A);

        assertThat(both).isInstanceOf(Verification.Valid.class);
        assertThat(noCertificate).isInstanceOfSatisfying(Verification.Invalid.class,
                i -> assertThat(i.reason()).isEqualTo(Reason.CERTIFICATE_BOUND_TOKEN));
        assertThat(otherCertificate).isInstanceOfSatisfying(Verification.Invalid.class,
                i -> assertThat(i.reason()).isEqualTo(Reason.CERTIFICATE_BOUND_TOKEN));
        assertThat(asBearer).isInstanceOfSatisfying(Verification.Invalid.class,
                i -> assertThat(i.reason()).isEqualTo(Reason.DPOP_BOUND_TOKEN));
    }

    @Test
    void unboundTokenWhenPresentedAsBearerThenValidAsBefore() throws Exception {
        ECKey signing = Tokens.ecKey();
        TokenVerifier verifier = verifier(signing);
        String token = Tokens.sign(signing, Tokens.claims(clock.instant()).build());

        assertThat(verifier.verify(token, Set.of("users:read"))).isInstanceOf(Verification.Valid.class);
    }

    private ECKey signingKey;

    private TokenVerifier verifier() {
        signingKey = signingKey == null ? Tokens.ecKey() : signingKey;
        return verifier(signingKey);
    }

    private TokenVerifier verifier(ECKey signing) {
        signingKey = signing;
        return TokenVerifier.builder().issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).tenant(Tokens.TENANT)
                .clock(clock).jwkSet(new JWKSet(signing.toPublicJWK())).dpop(proofs).build();
    }

    private String boundToken() throws Exception {
        JWTClaimsSet claims = Tokens.claims(clock.instant())
                .claim("cnf", Map.of("jkt", key.computeThumbprint().toString())).build();
        return Tokens.sign(signingKey, claims);
    }

    private String proof(String htm, String htu, String accessToken, String nonce) {
        return proof(htm, htu, accessToken, nonce, UUID.randomUUID().toString());
    }

    private String proof(String htm, String htu, String accessToken, String nonce, String jti) {
        return proof(key, htm, htu, accessToken, nonce, jti);
    }

    private String proof(ECKey signer, String htm, String htu, String accessToken, String nonce, String jti) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(jti).claim("htm", htm).claim("htu", htu)
                .issueTime(Date.from(clock.instant()));
        if (accessToken != null) {
            claims.claim("ath", DPoPProofVerifier.accessTokenHash(accessToken));
        }
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .type(new JOSEObjectType("dpop+jwt")).jwk(signer.toPublicJWK()).build(), claims.build());
            jwt.sign(new ECDSASigner(signer));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
