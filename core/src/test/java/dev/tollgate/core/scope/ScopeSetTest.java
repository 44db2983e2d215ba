package dev.tollgate.core.scope;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScopeSetTest {

    private static final String INVALID_TOKEN = "scope contains an invalid scope token";

    @Test
    void parseWhenNullThenEmpty() {
        assertThat(ScopeSet.parse(null)).isSameAs(ScopeSet.EMPTY);
    }

    @Test
    void parseWhenEmptyStringThenEmpty() {
        assertThat(ScopeSet.parse("")).isSameAs(ScopeSet.EMPTY);
        assertThat(ScopeSet.EMPTY.isEmpty()).isTrue();
        assertThat(ScopeSet.EMPTY.toSpaceDelimited()).isEmpty();
    }

    @Test
    void parseWhenOneScopeThenThatScope() {
        ScopeSet scopes = ScopeSet.parse("users:read");

        assertThat(scopes.names()).containsExactly("users:read");
        assertThat(scopes.contains(new ScopeName("users:read"))).isTrue();
    }

    @Test
    void parseWhenUnsortedThenCanonicalSortedOutput() {
        ScopeSet scopes = ScopeSet.parse("users:write orders:read users:read");

        assertThat(scopes.toSpaceDelimited()).isEqualTo("orders:read users:read users:write");
        assertThat(scopes).hasToString("orders:read users:read users:write");
        assertThat(scopes.names()).containsExactly("orders:read", "users:read", "users:write");
    }

    @Test
    void parseWhenSameScopesInAnotherOrderThenEqualSets() {
        assertThat(ScopeSet.parse("b a")).isEqualTo(ScopeSet.parse("a b")).isEqualTo(ScopeSet.of("a", "b"))
                .hasSameHashCodeAs(ScopeSet.of("b", "a"));
    }

    @Test
    void parseWhenScopeRepeatedThenOnce() {
        assertThat(ScopeSet.parse("a b a").toSpaceDelimited()).isEqualTo("a b");
    }

    @Test
    void parseWhenDoubleSpaceThenRefused() {
        assertThatThrownBy(() -> ScopeSet.parse("users:read  users:write"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(INVALID_TOKEN);
    }

    @Test
    void parseWhenLeadingSpaceThenRefused() {
        assertThatThrownBy(() -> ScopeSet.parse(" users:read"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(INVALID_TOKEN);
    }

    @Test
    void parseWhenTrailingSpaceThenRefused() {
        assertThatThrownBy(() -> ScopeSet.parse("users:read "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(INVALID_TOKEN);
    }

    @Test
    void parseWhenOnlyASpaceThenRefused() {
        assertThatThrownBy(() -> ScopeSet.parse(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(INVALID_TOKEN);
    }

    @Test
    void parseWhenTabSeparatedThenRefused() {
        assertThatThrownBy(() -> ScopeSet.parse("users:read\tusers:write"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(INVALID_TOKEN);
    }

    @Test
    void parseWhenTokenHasQuoteThenRefused() {
        assertThatThrownBy(() -> ScopeSet.parse("users:read \"users:write\""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(INVALID_TOKEN);
    }

    @Test
    void parseWhenTokenHasBackslashThenRefused() {
        assertThatThrownBy(() -> ScopeSet.parse("users:read users\\write"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(INVALID_TOKEN);
    }

    @Test
    void parseWhenTokenOver128CharactersThenRefused() {
        assertThatThrownBy(() -> ScopeSet.parse("a " + "s".repeat(129)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(INVALID_TOKEN);
    }

    @Test
    void parseWhenTenKilobyteStringThenRefusedAsTooLong() {
        String huge = "s".repeat(10 * 1024);

        assertThatThrownBy(() -> ScopeSet.parse(huge))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("scope is too long");
    }

    @Test
    void parseWhenTenKilobytesOfValidScopesThenRefusedAsTooLong() {
        String many = IntStream.range(0, 2000).mapToObj(i -> "s" + i).collect(Collectors.joining(" "));

        assertThat(many.length()).isGreaterThan(10_000);
        assertThatThrownBy(() -> ScopeSet.parse(many))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("scope is too long");
    }

    @Test
    void parseWhenSixtyFourScopesThenAccepted() {
        assertThat(ScopeSet.parse(scopes(64)).size()).isEqualTo(64);
    }

    @Test
    void parseWhenMoreThanSixtyFourScopesThenRefused() {
        assertThatThrownBy(() -> ScopeSet.parse(scopes(65)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("at most 64 scopes may be requested");
    }

    @Test
    void parseWhenSixtyFourLongestScopesThenAccepted() {
        String longest = IntStream.range(0, 64).mapToObj(i -> String.format("%03d", i) + "s".repeat(125))
                .collect(Collectors.joining(" "));

        assertThat(ScopeSet.parse(longest).size()).isEqualTo(64);
    }

    @Test
    void ofWhenMoreThanSixtyFourScopesThenRefused() {
        List<ScopeName> names = IntStream.range(0, 65).mapToObj(i -> new ScopeName("s" + i)).toList();

        assertThatThrownBy(() -> ScopeSet.of(names))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("at most 64 scopes");
    }

    @Test
    void ofWhenNoNamesThenEmpty() {
        assertThat(ScopeSet.of()).isSameAs(ScopeSet.EMPTY);
        assertThat(ScopeSet.of(List.of())).isSameAs(ScopeSet.EMPTY);
    }

    @Test
    void ofWhenInvalidNameThenRefused() {
        assertThatThrownBy(() -> ScopeSet.of("users read")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containsAllWhenSubsetOrNotThenTheSubsetTest() {
        ScopeSet allowed = ScopeSet.of("a", "b", "c");

        assertThat(allowed.containsAll(ScopeSet.of("a", "c"))).isTrue();
        assertThat(allowed.containsAll(ScopeSet.EMPTY)).isTrue();
        assertThat(allowed.containsAll(ScopeSet.of("a", "d"))).isFalse();
    }

    @Test
    void scopeSetWhenModifiedThenRefusedAsUnmodifiable() {
        ScopeSet scopes = ScopeSet.of("a");

        assertThatThrownBy(() -> scopes.asSet().add(new ScopeName("b")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static String scopes(int count) {
        return IntStream.range(0, count).mapToObj(i -> "scope" + i).collect(Collectors.joining(" "));
    }
}
