package dev.tollgate.core.scope;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScopeDefinitionTest {

    private static final ScopeName USERS_READ = new ScopeName("users:read");

    @Test
    void definitionWhenDescriptionNullThenEmpty() {
        assertThat(new ScopeDefinition(USERS_READ, null).description()).isEmpty();
    }

    @Test
    void descriptionWhenSurroundingWhitespaceThenStripped() {
        assertThat(new ScopeDefinition(USERS_READ, "  Read users \n").description()).isEqualTo("Read users");
    }

    @Test
    void definitionWhenDescription500CharactersThenAccepted() {
        assertThat(new ScopeDefinition(USERS_READ, "d".repeat(500)).description()).hasSize(500);
    }

    @Test
    void definitionWhenDescriptionOver500CharactersThenRefused() {
        assertThatThrownBy(() -> new ScopeDefinition(USERS_READ, "d".repeat(501)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("scope description is longer than 500");
    }

    @Test
    void definitionWhenDescriptionOver500OnlyBecauseOfSurroundingSpaceThenAccepted() {
        assertThat(new ScopeDefinition(USERS_READ, " " + "d".repeat(500) + " ").description()).hasSize(500);
    }

    @Test
    void definitionWhenNameMissingThenRefused() {
        assertThatThrownBy(() -> new ScopeDefinition(null, "x"))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
    }
}
