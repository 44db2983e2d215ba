package dev.tollgate.core.seal;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretSealerTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final KeyEncryptionKey kek = KeyEncryptionKey.generate(RANDOM);
    private final SecretSealer sealer = new SecretSealer(kek);

    @Test
    void sealWhenOpenedWithTheSameContextThenGivesTheValueBackAndNamesTheKek() {
        String sealed = sealer.seal("JBSWY3DPEHPK3PXP", "admins|t|a|totp_secret");

        assertThat(sealed).startsWith("tgenc1:" + kek.id() + ":").doesNotContain("JBSWY3DPEHPK3PXP");
        assertThat(SecretSealer.isSealed(sealed)).isTrue();
        assertThat(SecretSealer.keyIdOf(sealed)).contains(kek.id());
        assertThat(sealer.unsealText(sealed, "admins|t|a|totp_secret")).isEqualTo("JBSWY3DPEHPK3PXP");
    }

    @Test
    void sealWhenTheSameValueTwiceThenTwoDifferentSealedValues() {
        assertThat(sealer.seal("same", "c")).isNotEqualTo(sealer.seal("same", "c"));
    }

    @Test
    void unsealWhenContextDiffersThenRefusedAsSealedForAnotherRow() {
        String sealed = sealer.seal("secret", "installation|secret-hash-key");

        assertThatThrownBy(() -> sealer.unseal(sealed, "installation|device-cookie-key"))
                .isInstanceOf(SealedSecretException.class)
                .hasMessageContaining("sealed for another row")
                .hasMessageNotContaining("secret-hash-key");
    }

    @Test
    void unsealWhenAnyPartIsAlteredThenRefused() {
        String sealed = sealer.seal("secret", "c");
        String[] parts = sealed.split(":");
        for (int part = 2; part <= 3; part++) {
            byte[] bytes = Base64.getUrlDecoder().decode(parts[part]);
            bytes[bytes.length / 2] ^= 1;
            String[] altered = parts.clone();
            altered[part] = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            String tampered = String.join(":", altered);

            assertThatThrownBy(() -> sealer.unseal(tampered, "c"))
                    .isInstanceOf(SealedSecretException.class).hasMessageContaining("fails authentication");
        }
    }

    @Test
    void unsealWhenKekIdIsRewrittenToAKnownKeyThenRefused() {
        KeyEncryptionKey other = KeyEncryptionKey.generate(RANDOM);
        SecretSealer both = new SecretSealer(kek, other);
        String sealed = both.seal("secret", "c").replace(kek.id(), other.id());

        assertThatThrownBy(() -> both.unseal(sealed, "c")).isInstanceOf(SealedSecretException.class);
    }

    @Test
    void unsealWhenSealedUnderAnotherKekThenRefusedNamingBothIds() {
        KeyEncryptionKey other = KeyEncryptionKey.generate(RANDOM);
        String sealed = new SecretSealer(other).seal("secret", "c");

        assertThatThrownBy(() -> sealer.unseal(sealed, "c"))
                .isInstanceOf(SealedSecretException.class)
                .hasMessageContaining(other.id()).hasMessageContaining(kek.id());
    }

    @Test
    void unsealWhenValueIsNotSealedThenRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> sealer.unseal("{\"kty\":\"EC\",\"d\":\"private\"}", "signing_keys|t|k|jwk"))
                .isInstanceOf(SealedSecretException.class)
                .hasMessageContaining("unsealed")
                .hasMessageNotContaining("private");
    }

    @Test
    void unsealWhenMalformedThenRefusedNotThrownAsAnotherException() {
        for (String malformed : new String[] {"tgenc1:", "tgenc1:" + kek.id() + ":a", "tgenc1:" + kek.id() + ":!!:??",
                "tgenc1:" + kek.id() + ":AA:AA"}) {
            assertThatThrownBy(() -> sealer.unseal(malformed, "c")).as(malformed)
                    .isInstanceOf(SealedSecretException.class);
        }
    }

    @Test
    void rotatingToWhenSealingThenUsesTheNewKekAndStillOpensTheOld() {
        KeyEncryptionKey next = KeyEncryptionKey.generate(RANDOM);
        String old = sealer.seal("secret", "c");

        SecretSealer rotating = sealer.rotatingTo(next);

        assertThat(rotating.currentKeyId()).isEqualTo(next.id());
        assertThat(SecretSealer.keyIdOf(rotating.seal("secret", "c"))).contains(next.id());
        assertThat(rotating.unsealText(old, "c")).isEqualTo("secret");
        assertThat(rotating.canOpen(kek.id())).isTrue();
        assertThatThrownBy(() -> new SecretSealer(next).unseal(old, "c")).isInstanceOf(SealedSecretException.class);
    }
}
