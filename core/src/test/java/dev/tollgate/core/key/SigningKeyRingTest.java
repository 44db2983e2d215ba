package dev.tollgate.core.key;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.core.tenant.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SigningKeyRingTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth");

    @Test
    void ringWhenNoCurrentKeyThenRefused() {
        List<SigningKey> onlyNext = List.of(KeyRotation.initialKeys(TENANT, SigningAlgorithm.ES256, T0).get(1));

        assertThatThrownBy(() -> SigningKeyRing.of(onlyNext))
                .isInstanceOf(IllegalStateException.class).hasMessage("no current signing key");
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void headerWhenSigningThenTypedAtJwtWithTheCurrentKidAndAlgorithm(SigningAlgorithm algorithm) {
        List<SigningKey> keys = KeyRotation.initialKeys(TENANT, algorithm, T0);

        SigningKeyRing ring = SigningKeyRing.of(keys);

        assertThat(ring.current()).isEqualTo(keys.get(0));
        assertThat(ring.header().getType().getType()).isEqualTo("at+jwt");
        assertThat(ring.header().getKeyID()).isEqualTo(keys.get(0).kid());
        assertThat(ring.header().getAlgorithm()).isEqualTo(algorithm.jwsAlgorithm());
        assertThat(ring.signer().supportedJWSAlgorithms()).contains(algorithm.jwsAlgorithm());
        assertThat(ring.keys()).isEqualTo(keys);
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void publicJwksWhenBuiltThenNoPrivateParts(SigningAlgorithm algorithm) {
        SigningKeyRing ring = SigningKeyRing.of(KeyRotation.initialKeys(TENANT, algorithm, T0));

        JWKSet jwks = ring.publicJwks(T0);

        assertThat(jwks.getKeys()).hasSize(2).allSatisfy(jwk -> {
            assertThat(jwk.isPrivate()).isFalse();
            assertThat(jwk.toJSONObject()).doesNotContainKeys(PRIVATE_MEMBERS.toArray(String[]::new));
        });
        assertThat(jwks.toString()).doesNotContain("\"d\"");
        // JWKSet.toString(true) would include private keys if any were there.
        assertThat(jwks.toString(false)).isEqualTo(jwks.toString(true));
    }

    @Test
    void publicJwksWhenBuiltThenIncludesNextAndCurrent() {
        List<SigningKey> keys = KeyRotation.initialKeys(TENANT, SigningAlgorithm.ES256, T0);

        JWKSet jwks = SigningKeyRing.of(keys).publicJwks(T0);

        assertThat(jwks.getKeys()).extracting(JWK::getKeyID).containsExactly(keys.get(0).kid(), keys.get(1).kid());
    }

    @Test
    void publicJwksWhenRetiredKeyThenIncludedOnlyBeforeItsPublishUntil() {
        List<SigningKey> keys = new ArrayList<>(KeyRotation.initialKeys(TENANT, SigningAlgorithm.ES256, T0));
        Instant until = T0.plus(Duration.ofHours(1));
        SigningKey retired = new SigningKey(TENANT, "old", SigningAlgorithm.ES256, KeyState.RETIRED,
                SigningAlgorithm.ES256.generate("old"), T0.minusSeconds(60), T0.minusSeconds(60), T0, until);
        keys.add(retired);
        SigningKeyRing ring = SigningKeyRing.of(keys);

        assertThat(ring.publicJwks(until.minusSeconds(1)).getKeyByKeyId("old")).isNotNull();
        assertThat(ring.publicJwks(until).getKeyByKeyId("old")).isNull();
        assertThat(ring.publicJwks(until.plusSeconds(1)).getKeys()).hasSize(2);
    }

    @Test
    void publishedKeysWhenBuiltThenKeepKidUseAndAlgorithm() {
        SigningKeyRing ring = SigningKeyRing.of(KeyRotation.initialKeys(TENANT, SigningAlgorithm.PS256, T0));

        JWK published = ring.publicJwks(T0).getKeyByKeyId(ring.current().kid());

        assertThat(published.getKeyUse().identifier()).isEqualTo("sig");
        assertThat(published.getAlgorithm().getName()).isEqualTo("PS256");
    }
}
