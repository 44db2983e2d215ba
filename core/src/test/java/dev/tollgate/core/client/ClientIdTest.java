package dev.tollgate.core.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientIdTest {

    private static final String MESSAGE = "client id must be 1-128 characters of A-Z a-z 0-9 . _ ~ -";

    @ParameterizedTest
    @ValueSource(strings = {"billing-service", "svc.billing~1_x-Y", "0", "6f1c1f4e-8b0a-4c55-9d3c-1b2a3c4d5e6f"})
    void clientIdWhenUnreservedCharactersThenAccepted(String value) {
        assertThat(new ClientId(value).value()).isEqualTo(value);
        assertThat(ClientId.isValid(value)).isTrue();
    }

    @Test
    void clientIdWhenContainsNulThenRefused() {
        assertRefused("billing\u0000service");
    }

    @Test
    void clientIdWhenContainsCarriageReturnThenRefused() {
        assertRefused("billing\rservice");
    }

    @Test
    void clientIdWhenContainsLineFeedThenRefused() {
        assertRefused("billing\nservice");
    }

    @Test
    void clientIdWhenContainsSpaceThenRefused() {
        assertRefused("billing service");
    }

    @Test
    void clientIdWhenEmptyThenRefused() {
        assertRefused("");
    }

    @Test
    void clientIdWhenNullThenRefused() {
        assertRefused(null);
    }

    @Test
    void clientIdWhen128CharactersThenAccepted() {
        assertThat(new ClientId("c".repeat(ClientId.MAX_LENGTH)).value()).hasSize(128);
    }

    @Test
    void clientIdWhenOverLongThenRefused() {
        assertRefused("c".repeat(ClientId.MAX_LENGTH + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cl\u00e9ment", "\u5ba2\u6237", "client\u2028", "\uff41bc", "client\ud83d\ude00"})
    void clientIdWhenUnicodeThenRefused(String value) {
        assertRefused(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "a:b", "a%20b", "a+b", "a@b", "<script>", "a\"b", "a'b", "a\\b", "a\tb"})
    void clientIdWhenReservedOrMarkupCharactersThenRefused(String value) {
        assertRefused(value);
    }

    @Test
    void generateWhenCalledTwiceThenValidClientIdsThatDiffer() {
        ClientId first = ClientId.generate();
        ClientId second = ClientId.generate();

        assertThat(ClientId.isValid(first.value())).isTrue();
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void toStringWhenClientIdThenItsValue() {
        assertThat(new ClientId("billing-service")).hasToString("billing-service");
    }

    private static void assertRefused(String value) {
        assertThat(ClientId.isValid(value)).isFalse();
        assertThatThrownBy(() -> new ClientId(value)).isInstanceOf(IllegalArgumentException.class).hasMessage(MESSAGE);
    }
}
