package dev.tollgate.core.abuse;

import dev.tollgate.testing.TestClock;
import dev.tollgate.core.abuse.FailureLimiter.Decision;
import dev.tollgate.core.abuse.FailureLimiter.Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FailureLimiterTest {

    private static final Decision ALLOWED = new Decision(true, Duration.ZERO);

    private final TestClock clock = TestClock.startingNow();
    private final FailureLimiter limiter = new FailureLimiter(Settings.loginDefaults(), clock);

    private void fail(String key, int times) {
        for (int i = 0; i < times; i++) {
            limiter.recordFailure(key);
        }
    }

    @Test
    void loginDefaultsWhenUnconfiguredThenThreeFreeThenOneSecondDoublingToThirtyThenRefusalAfterTenForFifteenMinutes() {
        assertThat(Settings.loginDefaults()).isEqualTo(new Settings(3, Duration.ofSeconds(1), Duration.ofSeconds(30),
                10, Duration.ofMinutes(15), 100_000));
        assertThat(FailureLimiter.loginDefaults()).isEqualTo(Settings.loginDefaults());
    }

    @Test
    void checkWhenKeyNeverFailedThenAllowed() {
        assertThat(limiter.check("10001/alice")).isEqualTo(ALLOWED);
    }

    @Test
    void checkWhenFailuresWithinTheFreeOnesThenAllowed() {
        fail("k", 3);

        assertThat(limiter.check("k")).isEqualTo(ALLOWED);
    }

    @Test
    void checkWhenTheFirstFailureBeyondTheFreeOnesThenWaitTheBaseDelay() {
        fail("k", 4);

        assertThat(limiter.check("k")).isEqualTo(new Decision(false, Duration.ofSeconds(1)));
        clock.advance(Duration.ofMillis(400));
        assertThat(limiter.check("k")).isEqualTo(new Decision(false, Duration.ofMillis(600)));
    }

    @Test
    void checkWhenTheDelayHasPassedThenAllowed() {
        fail("k", 4);

        clock.advance(Duration.ofSeconds(1));

        assertThat(limiter.check("k")).isEqualTo(ALLOWED);
    }

    @Test
    void checkWhenMoreFailuresThenTheDelayDoublesUpToTheMaximum() {
        long[] expectedSeconds = {1, 2, 4, 8, 16, 30};
        fail("k", 3);
        for (long seconds : expectedSeconds) {
            limiter.recordFailure("k");
            assertThat(limiter.check("k").retryAfter()).isEqualTo(Duration.ofSeconds(seconds));
        }
    }

    @Test
    void checkWhenRefuseAfterIsReachedThenRefusedUntilTheWindowHasPassed() {
        fail("k", 10);

        assertThat(limiter.check("k")).isEqualTo(new Decision(false, Duration.ofMinutes(15)));
        clock.advance(Duration.ofMinutes(14));
        assertThat(limiter.check("k")).isEqualTo(new Decision(false, Duration.ofMinutes(1)));
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.check("k")).isEqualTo(ALLOWED);
    }

    @Test
    void recordFailureWhenAfterTheWindowThenCountingStartsAgain() {
        fail("k", 10);
        clock.advance(Duration.ofMinutes(15));

        fail("k", 3);

        assertThat(limiter.check("k")).isEqualTo(ALLOWED);
    }

    @Test
    void recordFailureWhenWithinTheWindowThenTheWindowSlidesFromTheLastFailure() {
        fail("k", 3);
        clock.advance(Duration.ofMinutes(10));
        limiter.recordFailure("k");
        clock.advance(Duration.ofMinutes(10));

        limiter.recordFailure("k");

        // Five failures, none older than the window measured from the one before: 2 s.
        assertThat(limiter.check("k")).isEqualTo(new Decision(false, Duration.ofSeconds(2)));
    }

    @Test
    void recordSuccessWhenKeyHasFailuresThenTheKeyCleared() {
        fail("k", 10);

        limiter.recordSuccess("k");

        assertThat(limiter.check("k")).isEqualTo(ALLOWED);
        fail("k", 3);
        assertThat(limiter.check("k")).isEqualTo(ALLOWED);
    }

    @Test
    void checkWhenAnotherKeyFailedThenAllowed() {
        fail("10001/alice", 10);

        assertThat(limiter.check("10001/bob")).isEqualTo(ALLOWED);
    }

    @Test
    void recordFailureWhenManyKeysThenMemoryStaysWithinMaxKeys() {
        FailureLimiter small = new FailureLimiter(new Settings(0, Duration.ofSeconds(1), Duration.ofSeconds(1), 5,
                Duration.ofMinutes(1), 100), clock);

        for (int i = 0; i < 10_000; i++) {
            small.recordFailure("key-" + i);
        }

        assertThat(small.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void checkWhenNoFreeFailuresThenTheFirstFailureDelays() {
        FailureLimiter strict = new FailureLimiter(new Settings(0, Duration.ofMillis(100), Duration.ofSeconds(1), 3,
                Duration.ofMinutes(1), 10), clock);

        strict.recordFailure("k");

        assertThat(strict.check("k")).isEqualTo(new Decision(false, Duration.ofMillis(100)));
    }

    @Test
    void settingsWhenInvalidThenRefused() {
        Duration s = Duration.ofSeconds(1);
        Duration m = Duration.ofMinutes(1);
        assertThatThrownBy(() -> new Settings(-1, s, s, 1, m, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Settings(0, Duration.ofSeconds(2), s, 1, m, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Settings(0, s.negated(), s, 1, m, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Settings(0, s, s, 0, m, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Settings(0, s, s, 1, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Settings(0, s, s, 1, m, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void takeUnsharedWhenSharedThenHandsOutEachFailureOnceAndKeepsWhatIsReturned() {
        FailureLimiter shared = new FailureLimiter(Settings.loginDefaults(), clock, true);
        shared.recordFailure("a");
        shared.recordFailure("a");
        shared.recordFailure("b");

        java.util.Map<String, Integer> taken = shared.takeUnshared();
        java.util.Map<String, Integer> nothingNew = shared.takeUnshared();
        shared.returnUnshared(taken);
        shared.recordFailure("a");

        assertThat(taken).isEqualTo(java.util.Map.of("a", 2, "b", 1));
        assertThat(nothingNew).isEmpty();
        assertThat(shared.takeUnshared()).isEqualTo(java.util.Map.of("a", 3, "b", 1));
        assertThat(limiter.takeUnshared()).as("a limiter that counts alone keeps nothing").isEmpty();
    }

    @Test
    void mergeSharedWhenTheClusterCountsMoreThenTheLocalCountRisesButNeverFalls() {
        fail("k", 2);

        limiter.mergeShared("k", 5, clock.instant());
        Decision afterRise = limiter.check("k");
        limiter.mergeShared("k", 1, clock.instant());
        Decision afterLower = limiter.check("k");
        limiter.mergeShared("stale", 50, clock.instant().minus(Duration.ofMinutes(15)));

        assertThat(afterRise).isEqualTo(new Decision(false, Duration.ofSeconds(2)));
        assertThat(afterLower).isEqualTo(afterRise);
        assertThat(limiter.check("stale")).isEqualTo(ALLOWED);
    }
}
