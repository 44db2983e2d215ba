package dev.tollgate.core.tenant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantIdTest {

    private static final String MESSAGE =
            "tenant id must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-', starting with a letter or digit";

    @ParameterizedTest
    @ValueSource(strings = {"10001", "acme", "Acme_Payments-2", "a", "0-_"})
    void tenantIdWhenLettersDigitsUnderscoreAndHyphenThenAccepted(String value) {
        assertThat(TenantId.of(value).value()).isEqualTo(value);
        assertThat(TenantId.isValid(value)).isTrue();
    }

    @Test
    void tenantIdWhenSixtyFourCharactersThenAccepted() {
        String value = "t".repeat(64);

        assertThat(TenantId.of(value).value()).hasSize(64);
    }

    @Test
    void tenantIdWhenSixtyFiveCharactersThenRefused() {
        String value = "t".repeat(65);

        assertThatThrownBy(() -> TenantId.of(value)).isInstanceOf(IllegalArgumentException.class).hasMessage(MESSAGE);
        assertThat(TenantId.isValid(value)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-acme", "_acme", "acme corp", "acme/1", "acme.1", "ac\u0000me", "acme\n", "\u00e4cme",
            "\u0661\u0662", "acme%20"})
    void tenantIdWhenOutsideTheCharsetThenRefused(String value) {
        assertThatThrownBy(() -> TenantId.of(value)).isInstanceOf(IllegalArgumentException.class).hasMessage(MESSAGE);
        assertThat(TenantId.isValid(value)).isFalse();
    }

    @Test
    void tenantIdWhenNullThenRefused() {
        assertThatThrownBy(() -> TenantId.of(null)).isInstanceOf(IllegalArgumentException.class).hasMessage(MESSAGE);
        assertThat(TenantId.isValid(null)).isFalse();
    }

    @Test
    void toStringWhenTenantIdThenItsValue() {
        assertThat(TenantId.of("10001")).hasToString("10001");
    }

    @Test
    void equalsWhenTenantIdsHaveTheSameValueThenEqual() {
        assertThat(TenantId.of("10001")).isEqualTo(new TenantId("10001")).isNotEqualTo(TenantId.of("10002"));
    }
}
