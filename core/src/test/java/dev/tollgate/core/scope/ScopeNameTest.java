package dev.tollgate.core.scope;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScopeNameTest {

    private static final String MESSAGE = "scope must be 1-128 printable ASCII characters without space, '\"' or '\\'";

    @ParameterizedTest
    @ValueSource(strings = {"users:read", "!", "#", "[", "]", "~", "https://api.acme.example/orders.write",
            "a!#$%&'()*+,-./:;<=>?@[]^_`{|}~"})
    void scopeWhenRfc6749ScopeTokenCharactersThenAccepted(String value) {
        assertThat(new ScopeName(value).value()).isEqualTo(value);
        assertThat(ScopeName.isValid(value)).isTrue();
    }

    @Test
    void scopeWhenContainsDoubleQuoteThenRefused() {
        assertRefused("users\"read");
    }

    @Test
    void scopeWhenContainsBackslashThenRefused() {
        assertRefused("users\\read");
    }

    @Test
    void scopeWhenContainsSpaceThenRefused() {
        assertRefused("users read");
    }

    @ParameterizedTest
    @ValueSource(strings = {"users\u0000", "users\n", "users\t", "users\u007f", "users\u00e9", "\u2603"})
    void scopeWhenControlOrNonAsciiCharacterThenRefused(String value) {
        assertRefused(value);
    }

    @Test
    void scopeWhenEmptyThenRefused() {
        assertRefused("");
    }

    @Test
    void scopeWhenNullThenRefused() {
        assertRefused(null);
    }

    @Test
    void scopeWhen128CharactersThenAccepted() {
        assertThat(new ScopeName("s".repeat(128)).value()).hasSize(128);
    }

    @Test
    void scopeWhenOver128CharactersThenRefused() {
        assertRefused("s".repeat(129));
    }

    @Test
    void compareWhenScopesThenOrderedByTheirValue() {
        assertThat(new ScopeName("users:read")).isLessThan(new ScopeName("users:write"));
        assertThat(new ScopeName("B")).isLessThan(new ScopeName("a"));
    }

    private static void assertRefused(String value) {
        assertThat(ScopeName.isValid(value)).isFalse();
        assertThatThrownBy(() -> new ScopeName(value)).isInstanceOf(IllegalArgumentException.class).hasMessage(MESSAGE);
    }
}
