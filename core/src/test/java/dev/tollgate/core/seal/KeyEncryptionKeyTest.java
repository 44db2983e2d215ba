package dev.tollgate.core.seal;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyEncryptionKeyTest {

    @Test
    void fromBase64WhenWrittenByToBase64ThenSameKeyAndSameId() {
        KeyEncryptionKey key = KeyEncryptionKey.generate(new SecureRandom());

        KeyEncryptionKey read = KeyEncryptionKey.fromBase64(key.toBase64() + "\n");

        assertThat(read.id()).isEqualTo(key.id()).hasSize(12);
        assertThat(new SecretSealer(read).unsealText(new SecretSealer(key).seal("v", "c"), "c")).isEqualTo("v");
    }

    @Test
    void idWhenComputedThenTheKeyCheckValueOfTheKeyOverAFixedBlock() {
        // printf 'tollgate kek id.' | openssl enc -aes-256-ecb -K 00…00 -nopad | head -c 9 | base64 (url alphabet)
        assertThat(KeyEncryptionKey.of(new byte[32]).id()).isEqualTo("j06LYx2bBO38");
    }

    @Test
    void fromBase64WhenUrlSafeAlphabetThenAccepted() {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) 0xfb;
        assertThat(KeyEncryptionKey.fromBase64(Base64.getUrlEncoder().encodeToString(bytes)).id())
                .isEqualTo(KeyEncryptionKey.of(bytes).id());
    }

    @Test
    void fromBase64WhenNotBase64OrWrongLengthThenRefusedWithoutEchoingTheText() {
        assertThatThrownBy(() -> KeyEncryptionKey.fromBase64("not base64 secret!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret!");
        assertThatThrownBy(() -> KeyEncryptionKey.fromBase64(Base64.getEncoder().encodeToString(new byte[16])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    }

    @Test
    void toStringWhenPrintedThenShowsOnlyTheId() {
        KeyEncryptionKey key = KeyEncryptionKey.generate(new SecureRandom());

        assertThat(key.toString()).isEqualTo("KeyEncryptionKey[" + key.id() + "]").doesNotContain(key.toBase64());
    }
}
