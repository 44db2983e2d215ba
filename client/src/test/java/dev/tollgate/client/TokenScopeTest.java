package dev.tollgate.client;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenScopeTest {

    @Test
    void equalsWhenScopesInAnyOrderThenEqual() {
        assertThat(TokenScope.of(List.of("b", "a"), "https://api.example.com"))
                .isEqualTo(TokenScope.of(Set.of("a", "b"), "https://api.example.com"))
                .hasSameHashCodeAs(TokenScope.of(Set.of("a", "b"), "https://api.example.com"));
    }

    @Test
    void equalsWhenDifferentAudienceThenNotEqual() {
        assertThat(TokenScope.of(Set.of("a"), "https://one.example.com"))
                .isNotEqualTo(TokenScope.of(Set.of("a"), "https://two.example.com"))
                .isNotEqualTo(TokenScope.of(Set.of("a")));
    }

    @Test
    void scopeParameterWhenSeveralScopesThenSpaceSeparatedAndSorted() {
        assertThat(TokenScope.of(List.of("users:write", "users:read")).scopeParameter())
                .isEqualTo("users:read users:write");
        assertThat(TokenScope.defaults().scopeParameter()).isEmpty();
    }

    @Test
    void scopeWhenItHasASpaceThenRejected() {
        assertThatThrownBy(() -> TokenScope.of(List.of("users:read users:write")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RFC 6749 §3.3");
    }

    @Test
    void scopeWhenQuoteOrBackslashOrEmptyThenRejected() {
        assertThatThrownBy(() -> TokenScope.of(List.of("a\"b"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenScope.of(List.of("a\\b"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenScope.of(List.of(""))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void audienceWhenRelativeOrWithFragmentThenRejected() {
        assertThatThrownBy(() -> TokenScope.of(Set.of("a"), "/api")).hasMessageContaining("RFC 8707");
        assertThatThrownBy(() -> TokenScope.of(Set.of("a"), "https://api.example.com#x"))
                .hasMessageContaining("RFC 8707");
        assertThatThrownBy(() -> TokenScope.of(Set.of("a"), "not a uri")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scopesWhenChangedAfterwardsThenRefused() {
        TokenScope scope = TokenScope.of(Set.of("a"));
        assertThatThrownBy(() -> scope.scopes().add("b")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new TokenScope(new java.util.TreeSet<>(Set.of("a")), URI.create("https://x.example"))
                .audience()).isEqualTo(URI.create("https://x.example"));
    }
}
