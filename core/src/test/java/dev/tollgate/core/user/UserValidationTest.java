package dev.tollgate.core.user;

import dev.tollgate.core.tenant.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserValidationTest {

    @Test
    void validationWhenEveryFieldIsFineThenValid() {
        UserValidation check = UserValidation.of("newuser", "user@example.com", "John", "Doe");

        assertThat(check.isValid()).isTrue();
        assertThat(check.errors()).isEmpty();
    }

    @Test
    void validationWhenNamesAreAbsentThenValid() {
        assertThat(UserValidation.of("newuser", "user@example.com", null, null).isValid()).isTrue();
    }

    @Test
    void validationWhenEveryFieldIsBadThenEveryFieldIsNamed() {
        UserValidation check = UserValidation.of("no spaces", "not-an-email", "x".repeat(101), "tab\there");

        assertThat(check.errors()).containsOnlyKeys("username", "email", "first_name", "last_name");
    }

    @Test
    void validationWhenUsernameAndEmailAreMissingThenRequired() {
        assertThat(UserValidation.of(null, "", null, null).errors())
                .containsEntry("username", "required")
                .containsEntry("email", "required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "é", "a/b", "a@b", "<script>"})
    void validationWhenUsernameHasOtherCharactersThenUsernameError(String username) {
        assertThat(UserValidation.of(username, "u@x", null, null).errors()).containsOnlyKeys("username");
    }

    @Test
    void validationWhenUsernameIsLongerThan64ThenUsernameError() {
        assertThat(UserValidation.of("a".repeat(64), "u@x", null, null).isValid()).isTrue();
        assertThat(UserValidation.of("a".repeat(65), "u@x", null, null).errors()).containsOnlyKeys("username");
    }

    @ParameterizedTest
    @ValueSource(strings = {"@example.com", "user@", "a@b@c", "a b@c", "user@exa\u0000mple", "noat"})
    void validationWhenEmailIsMalformedThenEmailError(String email) {
        assertThat(UserValidation.of("u", email, null, null).errors()).containsOnlyKeys("email");
    }

    @Test
    void validationWhenEmailIsLongerThan254ThenEmailError() {
        String email = "a".repeat(243) + "@example.com";
        assertThat(email).hasSize(255);
        assertThat(UserValidation.of("u", email, null, null).errors()).containsOnlyKeys("email");
    }

    @Test
    void userWhenFieldsAreInvalidThenConstructorRefuses() {
        assertThatThrownBy(() -> User.create(TenantId.of("10001"), "bad name", "u@x", null, null, Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("username");
    }

    @Test
    void userIdWhenNotACanonicalUuidThenRefused() {
        assertThat(User.isId("123e4567-e89b-12d3-a456-426614174000")).isTrue();
        assertThat(User.isId("123E4567-E89B-12D3-A456-426614174000")).isFalse();
        assertThat(User.isId("1-1-1-1-1")).isFalse();
        assertThat(User.isId("../etc/passwd")).isFalse();
        assertThat(User.isId(null)).isFalse();
    }
}
