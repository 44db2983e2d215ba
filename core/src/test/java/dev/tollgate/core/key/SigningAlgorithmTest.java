package dev.tollgate.core.key;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SigningAlgorithmTest {

    @Test
    void parseWhenMixedCaseThenCaseIgnored() {
        assertThat(SigningAlgorithm.parse("es256")).isEqualTo(SigningAlgorithm.ES256);
        assertThat(SigningAlgorithm.parse("EDDSA")).isEqualTo(SigningAlgorithm.EdDSA);
    }

    @Test
    void parseWhenSymmetricAlgorithmThenRefused() {
        assertThatThrownBy(() -> SigningAlgorithm.parse("HS256")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown signing algorithm 'HS256'; one of ES256, RS256, PS256, EdDSA");
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void generateKeyWhenCalledThenKidSignatureUseAndAlgorithm(SigningAlgorithm algorithm) {
        JWK key = algorithm.generate("k1");

        assertThat(key.getKeyID()).isEqualTo("k1");
        assertThat(key.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
        assertThat(key.getAlgorithm()).isEqualTo(algorithm.jwsAlgorithm());
        assertThat(key.isPrivate()).isTrue();
    }

    @Test
    void signerWhenKeyOfAnotherAlgorithmThenRefused() {
        JWK ec = SigningAlgorithm.ES256.generate("k1");

        assertThatThrownBy(() -> SigningAlgorithm.EdDSA.signer(ec)).isInstanceOf(IllegalStateException.class)
                .hasMessage("key k1 does not fit EdDSA");
    }

    @Test
    void algorithmsWhenMappedThenTheirJwsNames() {
        assertThat(SigningAlgorithm.PS256.jwsAlgorithm()).isEqualTo(JWSAlgorithm.PS256);
        assertThat(SigningAlgorithm.EdDSA).hasToString("EdDSA");
        assertThat(SigningAlgorithm.RS256).hasToString("RS256");
    }
}
