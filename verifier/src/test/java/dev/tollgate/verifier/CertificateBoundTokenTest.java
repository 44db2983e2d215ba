package dev.tollgate.verifier;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.X509CertUtils;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.verifier.Tokens.AUDIENCE;
import static dev.tollgate.verifier.Tokens.ISSUER;
import static dev.tollgate.verifier.Tokens.TENANT;
import static dev.tollgate.verifier.Tokens.claims;
import static dev.tollgate.verifier.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 8705 §3 at the resource server: a token whose {@code cnf} carries {@code x5t#S256} is valid
 * only with the certificate of that thumbprint; an unbound token whatever certificate comes along.
 */
class CertificateBoundTokenTest {

    static final X509Certificate CLIENT_A = X509CertUtils.parse("""
            -----BEGIN CERTIFICATE-----
            MIIBfDCCASOgAwIBAgIUTpHDJToUIS189XcmHfRt+94H5xcwCgYIKoZIzj0EAwIw
            EzERMA8GA1UEAwwIY2xpZW50LWEwIBcNMjYxMjAzMjAyMzQ3WhgPMjEyNjExMDky
            MDIzNDdaMBMxETAPBgNVBAMMCGNsaWVudC1hMFkwEwYHKoZIzj0CAQYIKoZIzj0D
            AQcDQgAEAV5q8T3RGdGZieVLyScbwlsA8ST7mb2Djn4iTAbGZLNQkIrvQu3vTj67
            LZ1lzzHYMrbrJsxpaXui0KdLDERg4aNTMFEwHQYDVR0OBBYEFBVZoJ2x6lpEBTX6
            QZ56p4Rj00abMB8GA1UdIwQYMBaAFBVZoJ2x6lpEBTX6QZ56p4Rj00abMA8GA1Ud
            EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgN+zJKrGYvilY5maqoyY+gg3/
            o7ZMyY68+l1aNK3MB3ECIHx4eSveni7ibVS5P4nvaTY7IhrrHP6XHbis6CWhEbPP
            -----END CERTIFICATE-----
            """);
    static final X509Certificate CLIENT_B = X509CertUtils.parse("""
            -----BEGIN CERTIFICATE-----
            MIIBfDCCASOgAwIBAgIUNrvyk/YKQu29Uc0ORs9Bq2/7JXkwCgYIKoZIzj0EAwIw
            EzERMA8GA1UEAwwIY2xpZW50LWIwIBcNMjYxMjAzMjAyMzQ3WhgPMjEyNjExMDky
            MDIzNDdaMBMxETAPBgNVBAMMCGNsaWVudC1iMFkwEwYHKoZIzj0CAQYIKoZIzj0D
            AQcDQgAE1DYuszf3YwpNpPBa9nFDvc24QwOFfjKjXpKwUyhDChDRYa9Eo0BozvQb
            zikIeVnaSFPMjwxrCUsL0mstkryrwaNTMFEwHQYDVR0OBBYEFFEZMOSz8EsgvgiR
            dd6hfZxO7NjUMB8GA1UdIwQYMBaAFFEZMOSz8EsgvgiRdd6hfZxO7NjUMA8GA1Ud
            EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgd8a9LBsWsXptCvOp1SwvR3P1
            NUGQb4QW0m30Kgh4DYICIBB663tzJgfiCplxTwczglaEnMEUHnhaPGzidUuFCZ5N
            -----END CERTIFICATE-----
            """);

    private final TestClock clock = TestClock.startingNow();
    private final ECKey key = Tokens.ecKey();
    private final TokenVerifier verifier = TokenVerifier.builder().issuer(ISSUER).audience(AUDIENCE).tenant(TENANT)
            .clock(clock).jwkSet(new JWKSet(key).toPublicJWKSet()).build();

    private String boundTo(X509Certificate certificate) {
        return sign(key, claims(clock.instant()).claim("cnf",
                Map.of("x5t#S256", X509CertUtils.computeSHA256Thumbprint(certificate).toString())).build());
    }

    @Test
    void verifyWhenBoundTokenComesWithItsCertificateThenValid() {
        assertThat(verifier.verify(boundTo(CLIENT_A), Set.of("users:read"), CLIENT_A).isValid()).isTrue();
    }

    @Test
    void verifyWhenBoundTokenComesWithAnotherCertificateThenInvalidToken() {
        Verification verification = verifier.verify(boundTo(CLIENT_A), Set.of("users:read"), CLIENT_B);

        assertThat(verification).isInstanceOfSatisfying(Verification.Invalid.class, bad -> {
            assertThat(bad.reason()).isEqualTo(Reason.CERTIFICATE_BOUND_TOKEN);
            assertThat(bad.wwwAuthenticate("api")).contains("error=\"invalid_token\"");
        });
    }

    @Test
    void verifyWhenBoundTokenComesWithoutCertificateThenInvalidTokenEvenWithoutScopeNeeded() {
        assertThat(verifier.verify(boundTo(CLIENT_A), Set.of())).isInstanceOfSatisfying(Verification.Invalid.class,
                bad -> assertThat(bad.reason()).isEqualTo(Reason.CERTIFICATE_BOUND_TOKEN));
    }

    @Test
    void verifyWhenBoundTokenLacksScopeAndComesWithoutCertificateThen401Not403() {
        Verification verification = verifier.verify(boundTo(CLIENT_A), Set.of("admin:everything"), null);

        assertThat(verification).isInstanceOfSatisfying(Verification.Invalid.class,
                bad -> assertThat(bad.reason().httpStatus()).isEqualTo(401));
    }

    @Test
    void verifyWhenUnboundTokenComesWithACertificateThenValid() {
        String token = sign(key, claims(clock.instant()).build());

        assertThat(verifier.verify(token, Set.of("users:read"), CLIENT_B).isValid()).isTrue();
    }

    @Test
    void verifyWhenCnfIsNotAnObjectThenInvalidToken() {
        String token = sign(key, claims(clock.instant()).claim("cnf", "x5t#S256").build());

        assertThat(verifier.verify(token, Set.of(), CLIENT_A)).isInstanceOfSatisfying(Verification.Invalid.class,
                bad -> assertThat(bad.reason()).isEqualTo(Reason.CERTIFICATE_BOUND_TOKEN));
    }
}
