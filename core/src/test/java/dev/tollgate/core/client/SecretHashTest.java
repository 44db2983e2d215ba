package dev.tollgate.core.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretHashTest {

    @Test
    void parseWhenDollarsInTheValueThenAlgorithmSplitFromValueAtTheFirstDollar() {
        SecretHash hash = new SecretHash("hmac-sha256$q83vEjRWeJA");

        assertThat(hash.algorithm()).isEqualTo("hmac-sha256");
        assertThat(hash.value()).isEqualTo("q83vEjRWeJA");
    }

    @Test
    void secretHashWhenValueContainsDollarThenKeptInTheValue() {
        SecretHash hash = new SecretHash("argon2id$v=19$m=65536$abc");

        assertThat(hash.algorithm()).isEqualTo("argon2id");
        assertThat(hash.value()).isEqualTo("v=19$m=65536$abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hmac-sha256", "$abc", "hmac-sha256$", "$"})
    void secretHashWhenNotAlgorithmDollarValueThenRefused(String encoded) {
        assertThatThrownBy(() -> new SecretHash(encoded)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret hash must look like <algorithm>$<value>");
    }

    @Test
    void secretHashWhenNullThenRefused() {
        assertThatThrownBy(() -> new SecretHash(null)).isInstanceOf(NullPointerException.class).hasMessage("encoded");
    }

    @Test
    void toStringWhenSecretHashThenTheValueMasked() {
        SecretHash hash = new SecretHash("hmac-sha256$q83vEjRWeJA");

        assertThat(hash).hasToString("hmac-sha256$****");
        assertThat(hash.toString()).doesNotContain("q83vEjRWeJA");
    }
}
