package dev.tollgate.core.client;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class ClientSecretTest {

    @Test
    void generateWhenCalledThen43Base64UrlCharactersOf256Bits() {
        String value = ClientSecret.generate().reveal();

        assertThat(value).hasSize(43).matches("[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(value)).hasSize(32);
        assertThat(ClientSecret.ENTROPY_BYTES * 8).isEqualTo(256);
    }

    @Test
    void toStringWhenSecretThenMasked() {
        ClientSecret secret = ClientSecret.generate();

        assertThat(secret.toString()).isEqualTo("ClientSecret[****]").doesNotContain(secret.reveal());
        assertThat(String.valueOf(secret)).doesNotContain(secret.reveal());
    }

    @Test
    void generateWhenCalledTwiceThenTheSecretsDiffer() {
        assertThat(ClientSecret.generate().reveal()).isNotEqualTo(ClientSecret.generate().reveal());
    }
}
