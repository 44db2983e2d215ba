package dev.tollgate.core.replay;

import dev.tollgate.core.store.InMemoryReplayRepository;
import dev.tollgate.core.store.StoreUnavailableException;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayCacheTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String NS = "client-assertion:10001:client-1";

    private final TestClock clock = TestClock.at(T0);
    private final InMemoryReplayRepository store = new InMemoryReplayRepository();
    private final ReplayCache cache = new ReplayCache(store, clock, 1_000);

    @Test
    void firstUseWhenNeverSeenThenTrueAndRecordedInTheStore() {
        assertThat(cache.firstUse(NS, "jti-1", T0.plusSeconds(60))).isTrue();

        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void firstUseWhenSeenOnThisNodeThenFalseWithoutAskingTheStore() {
        cache.firstUse(NS, "jti-1", T0.plusSeconds(60));

        assertThat(cache.firstUse(NS, "jti-1", T0.plusSeconds(60))).isFalse();
        assertThat(store.recordCalls).hasValue(1);
    }

    @Test
    void firstUseWhenAnotherNodeUsedItThenFalse() {
        ReplayCache otherNode = new ReplayCache(store, clock, 1_000);
        otherNode.firstUse(NS, "jti-1", T0.plusSeconds(60));

        assertThat(cache.firstUse(NS, "jti-1", T0.plusSeconds(60))).isFalse();
    }

    @Test
    void firstUseWhenMemoryForgotItThenTheStoreStillRefuses() {
        cache.firstUse(NS, "jti-1", T0.plusSeconds(60));
        ReplayCache restarted = new ReplayCache(store, clock, 1_000);

        assertThat(restarted.firstUse(NS, "jti-1", T0.plusSeconds(60))).isFalse();
    }

    @Test
    void firstUseWhenTheSameJtiInAnotherNamespaceThenTrue() {
        cache.firstUse(NS, "jti-1", T0.plusSeconds(60));

        assertThat(cache.firstUse("dpop:thumbprint", "jti-1", T0.plusSeconds(60))).isTrue();
        assertThat(cache.firstUse("client-assertion:10001:client-2", "jti-1", T0.plusSeconds(60))).isTrue();
    }

    @Test
    void firstUseWhenAlreadyExpiredThenFalseAndNothingRecorded() {
        assertThat(cache.firstUse(NS, "jti-1", T0)).isFalse();
        assertThat(cache.firstUse(NS, "jti-2", T0.minusSeconds(1))).isFalse();

        assertThat(store.recordCalls).hasValue(0);
    }

    @Test
    void firstUseWhenThePreviousUseExpiredThenTrueAgain() {
        cache.firstUse(NS, "jti-1", T0.plusSeconds(60));
        clock.advance(Duration.ofSeconds(60));

        assertThat(cache.size()).isZero();
        assertThat(cache.firstUse(NS, "jti-1", T0.plusSeconds(120))).isTrue();
    }

    @Test
    void firstUseWhenMemoryIsFullThenOlderEntriesEvictedAndTheStoreStillRefusesThem() {
        ReplayCache small = new ReplayCache(store, clock, 10);
        for (int i = 0; i < 100; i++) {
            assertThat(small.firstUse(NS, "jti-" + i, T0.plusSeconds(60))).isTrue();
        }

        assertThat(small.size()).isLessThanOrEqualTo(10);
        for (int i = 0; i < 100; i++) {
            assertThat(small.firstUse(NS, "jti-" + i, T0.plusSeconds(60))).as("jti-" + i).isFalse();
        }
    }

    @Test
    void firstUseWhenTheStoreFailsThenThrowsAndARetryAfterTheOutageIsAFirstUse() {
        store.unreachable = true;

        assertThatThrownBy(() -> cache.firstUse(NS, "jti-1", T0.plusSeconds(60)))
                .isInstanceOf(StoreUnavailableException.class);

        store.unreachable = false;
        assertThat(cache.firstUse(NS, "jti-1", T0.plusSeconds(60))).isTrue();
    }

    @Test
    void firstUseWhenJtiOrNamespaceEmptyOrTooLongThenIllegalArgument() {
        assertThatThrownBy(() -> cache.firstUse(NS, "", T0.plusSeconds(60))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.firstUse(NS, "j".repeat(256), T0.plusSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.firstUse("", "jti", T0.plusSeconds(60))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.firstUse("n".repeat(256), "jti", T0.plusSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.firstUse(NS, "j".repeat(255), T0.plusSeconds(60))).isTrue();
        assertThat(store.recordCalls).hasValue(1);
    }

    @Test
    void pruneWhenSomeExpiredThenOnlyThoseDeletedFromTheStore() {
        cache.firstUse(NS, "short", T0.plusSeconds(10));
        cache.firstUse(NS, "long", T0.plusSeconds(100));
        clock.advance(Duration.ofSeconds(10));

        assertThat(cache.prune()).isEqualTo(1);
        assertThat(store.size()).isEqualTo(1);
    }
}
