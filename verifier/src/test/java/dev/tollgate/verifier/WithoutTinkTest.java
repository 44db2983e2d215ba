package dev.tollgate.verifier;

import dev.tollgate.testing.TestClock;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tink is optional: a resource server that does not pin EdDSA does without it. Runs in the
 * {@code without-tink} surefire execution, whose class path leaves Tink out (verifier/pom.xml);
 * nothing here may touch a class that needs Tink, so the EdDSA token is put together by hand.
 */
class WithoutTinkTest {

    private final TestClock clock = TestClock.startingNow();
    private final RSAKey rsa = Tokens.rsaKey(JWSAlgorithm.RS256);
    private final OctetKeyPair ed = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(random(32)))
            .keyID("ed").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.EdDSA).build();
    private TokenVerifier verifier;

    @BeforeEach
    void tinkIsNotThere() {
        assumeThat(Boolean.getBoolean("tollgate.test.without-tink"))
                .as("only in the without-tink execution").isTrue();
        assertThatThrownBy(() -> Class.forName("com.google.crypto.tink.subtle.Ed25519Verify"))
                .isInstanceOf(ClassNotFoundException.class);
        verifier = TokenVerifier.builder()
                .issuer(Tokens.ISSUER)
                .audience(Tokens.AUDIENCE)
                .algorithms(JWSAlgorithm.RS256, JWSAlgorithm.EdDSA)
                .jwkSet(new JWKSet(List.of(rsa.toPublicJWK(), ed)))
                .clock(clock)
                .build();
    }

    @Test
    void verifyWhenRs256AndNoTinkThenValid() throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(Tokens.AT_JWT)
                .keyID(rsa.getKeyID()).build(), claims());
        jwt.sign(new RSASSASigner(rsa));

        assertThat(verifier.verify(jwt.serialize())).isInstanceOf(Verification.Valid.class);
    }

    @Test
    void verifyWhenEdDsaAndNoTinkThenRefusedNamingTink() {
        String header = Base64URL.encode("{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"ed\"}"
                .getBytes(StandardCharsets.UTF_8)).toString();
        String token = header + "." + Base64URL.encode(claims().toString().getBytes(StandardCharsets.UTF_8))
                + "." + Base64URL.encode(random(64));

        Verification result = verifier.verify(token);

        assertThat(result).isInstanceOfSatisfying(Verification.Invalid.class, invalid -> {
            assertThat(invalid.reason()).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
            assertThat(invalid.description()).contains("EdDSA", "com.google.crypto.tink:tink");
        });
    }

    private JWTClaimsSet claims() {
        return Tokens.claims(clock.instant()).build();
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
