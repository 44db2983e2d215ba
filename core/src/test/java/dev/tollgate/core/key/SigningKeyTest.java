package dev.tollgate.core.key;

import com.nimbusds.jose.jwk.JWK;
import dev.tollgate.core.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SigningKeyTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void signingKeyWhenJwkHasNoPrivatePartThenRefused() {
        JWK publicOnly = SigningAlgorithm.ES256.generate("k1").toPublicJWK();

        assertThatThrownBy(() -> new SigningKey(TENANT, "k1", SigningAlgorithm.ES256, KeyState.NEXT, publicOnly, T0,
                null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("signing key k1 has no private part");
    }

    @Test
    void signingKeyWhenKidDiffersFromTheJwksThenRefused() {
        JWK jwk = SigningAlgorithm.ES256.generate("k1");

        assertThatThrownBy(() -> new SigningKey(TENANT, "k2", SigningAlgorithm.ES256, KeyState.NEXT, jwk, T0,
                null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("kid k2 differs from the JWK's k1");
    }

    @Test
    void signingKeyWhenRetiredWithoutPublishUntilThenRefused() {
        JWK jwk = SigningAlgorithm.ES256.generate("k1");

        assertThatThrownBy(() -> new SigningKey(TENANT, "k1", SigningAlgorithm.ES256, KeyState.RETIRED, jwk, T0,
                T0, T0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a retired key needs retiredAt and publishUntil");
    }

    @Test
    void isPublishedWhenRetiredKeyThenOnlyStrictlyBeforePublishUntil() {
        Instant until = T0.plusSeconds(3900);
        SigningKey key = new SigningKey(TENANT, "k1", SigningAlgorithm.ES256, KeyState.NEXT,
                SigningAlgorithm.ES256.generate("k1"), T0, null, null, null).activated(T0).retired(T0, until);

        assertThat(key.isPublishedAt(until.minusNanos(1))).isTrue();
        assertThat(key.isPublishedAt(until)).isFalse();
    }

    @Test
    void toStringWhenSigningKeyThenNoKeyMaterialNamed() {
        SigningKey key = new SigningKey(TENANT, "k1", SigningAlgorithm.ES256, KeyState.NEXT,
                SigningAlgorithm.ES256.generate("k1"), T0, null, null, null);

        assertThat(key).hasToString("SigningKey[10001/k1 ES256 NEXT]");
    }
}
