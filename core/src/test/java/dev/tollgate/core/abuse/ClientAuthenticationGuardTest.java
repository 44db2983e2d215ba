package dev.tollgate.core.abuse;

import dev.tollgate.testing.TestClock;
import dev.tollgate.core.abuse.ClientAuthenticationGuard.Attempt;
import dev.tollgate.core.abuse.ClientAuthenticationGuard.Limit;
import dev.tollgate.core.abuse.ClientAuthenticationGuard.Settings;
import dev.tollgate.core.abuse.ClientAuthenticationGuard.Verdict;
import dev.tollgate.core.token.OAuthErrorCode;
import dev.tollgate.core.token.TokenRefusal;
import dev.tollgate.core.token.TokenRefusal.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAuthenticationGuardTest {

    private static final String ATTACKER = "203.0.113.7";
    private static final String DEPLOYMENT = "198.51.100.10";
    private static final TokenRefusal WRONG_SECRET = TokenRefusal.invalidClient(Reason.WRONG_SECRET);

    private static final int ADDRESS_FREE = Settings.DEFAULTS.perAddress().freeFailures();
    private static final int ADDRESS_REFUSE = Settings.DEFAULTS.perAddress().refuseAfter();

    private final TestClock clock = TestClock.startingNow();
    private final ClientAuthenticationGuard guard = new ClientAuthenticationGuard(Settings.DEFAULTS, clock);

    /** {@code times} wrong secrets from the address, each answered as it is (not throttled). */
    private void fail(String address, int times) {
        for (int i = 0; i < times; i++) {
            Verdict verdict = guard.recordOutcome(guard.check(address), WRONG_SECRET);
            assertThat(verdict.throttled()).as("failure %d from %s", i + 1, address).isFalse();
        }
    }

    private Verdict failOnce(String address) {
        return guard.recordOutcome(guard.check(address), WRONG_SECRET);
    }

    private Verdict succeedOnce(String address) {
        return guard.recordOutcome(guard.check(address), null);
    }

    @Test
    void defaultsWhenUnconfiguredThenPerAddressOneHundredFreeRefusedAfterThreeHundred() {
        assertThat(Settings.DEFAULTS).isEqualTo(new Settings(
                new FailureLimiter.Settings(100, Duration.ofSeconds(1), Duration.ofSeconds(60), 300,
                        Duration.ofMinutes(15), 100_000)));
        assertThat(guard.settings()).isSameAs(Settings.DEFAULTS);
    }

    // ---- a correct secret is never refused (issue 11, point 4) --------------------------------

    @Test
    void recordOutcomeWhenTheAddressIsThrottledAndTheSecretIsRightThenAnsweredAsIs() {
        fail(ATTACKER, ADDRESS_FREE + 1);
        assertThat(failOnce(ATTACKER).throttled()).isTrue();

        Verdict right = succeedOnce(ATTACKER);

        assertThat(right.throttled()).isFalse();
        assertThat(right.retryAfter()).isZero();
    }

    @Test
    void recordOutcomeWhenOneClientIdFailedFromManyAddressesThenItsRightSecretFromAFreshAddressIsAnsweredAsIs() {
        // The old per-client-id limit: 21 wrong secrets for one id locked out its right secret.
        for (int i = 1; i <= 250; i++) {
            assertThat(failOnce("192.0.2." + i).throttled()).isFalse();
        }

        assertThat(succeedOnce("198.51.100.200").throttled()).isFalse();
        assertThat(succeedOnce(DEPLOYMENT).throttled()).isFalse();
    }

    @Test
    void recordOutcomeWhenOneGuessAMinuteForAnHourThenEveryRightSecretIsAnsweredAsIs() {
        for (int minute = 0; minute < 60; minute++) {
            failOnce(ATTACKER);
            for (int i = 0; i < 30; i++) {
                assertThat(succeedOnce(DEPLOYMENT).throttled()).isFalse();
                assertThat(succeedOnce(ATTACKER).throttled()).isFalse();
            }
            clock.advance(Duration.ofMinutes(1));
        }
    }

    // ---- per source address -------------------------------------------------------------------

    @Test
    void recordOutcomeWhenAddressFailedWithinTheFreeFailuresThenTheNextFailureIsAnsweredAsIs() {
        fail(ATTACKER, ADDRESS_FREE);

        assertThat(failOnce(ATTACKER).throttled()).isFalse();
    }

    @Test
    void recordOutcomeWhenAddressFailedBeyondTheFreeFailuresThenTheNextFailureIsThrottledByAddress() {
        fail(ATTACKER, ADDRESS_FREE + 1);

        Verdict verdict = failOnce(ATTACKER);

        assertThat(verdict.throttled()).isTrue();
        assertThat(verdict.throttledBy()).isEqualTo(Limit.ADDRESS);
        assertThat(verdict.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void recordOutcomeWhenAThrottledAddressKeepsFailingDuringTheWaitThenThrottledUntilTheToldWaitHasPassed() {
        fail(ATTACKER, ADDRESS_FREE + 1);
        for (int i = 0; i < 9; i++) {
            assertThat(failOnce(ATTACKER).throttled()).as("failure %d", i).isTrue();
            clock.advance(Duration.ofMillis(100));
        }
        clock.advance(Duration.ofMillis(100));

        assertThat(failOnce(ATTACKER).throttled()).isFalse();
        assertThat(failOnce(ATTACKER).retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void recordOutcomeWhenAddressReachesRefuseAfterThenThrottledForTheWholeWindow() {
        for (int answered = 0; answered < ADDRESS_REFUSE; ) {
            Verdict verdict = failOnce(ATTACKER);
            if (verdict.throttled()) {
                clock.advance(verdict.retryAfter());
            } else {
                answered++;
            }
        }

        Verdict verdict = failOnce(ATTACKER);
        assertThat(verdict.throttledBy()).isEqualTo(Limit.ADDRESS);
        assertThat(verdict.retryAfter()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void recordOutcomeWhenAnotherAddressFailedThenAnsweredAsIs() {
        fail(ATTACKER, ADDRESS_FREE + 1);

        assertThat(failOnce(DEPLOYMENT).throttled()).isFalse();
    }

    @Test
    void recordOutcomeWhenTheAddressDelayHasPassedThenAnsweredAsIsAgain() {
        fail(ATTACKER, ADDRESS_FREE + 1);

        clock.advance(Duration.ofSeconds(1));

        assertThat(failOnce(ATTACKER).throttled()).isFalse();
    }

    @Test
    void recordOutcomeWhenTheWindowPassedWithoutFailuresThenTheAddressStartsAfresh() {
        fail(ATTACKER, ADDRESS_FREE + 1);

        clock.advance(Duration.ofMinutes(15));

        fail(ATTACKER, ADDRESS_FREE + 1);
    }

    @Test
    void recordOutcomeWhenARightSecretFollowsFailuresThenTheAddressCountIsKept() {
        // An attacker with one valid credential of its own cannot reset its address's count with it.
        fail(ATTACKER, ADDRESS_FREE + 1);
        clock.advance(Duration.ofSeconds(1));

        succeedOnce(ATTACKER);

        fail(ATTACKER, 1);
        assertThat(failOnce(ATTACKER).throttled()).isTrue();
    }

    @Test
    void recordOutcomeWhenIpv6AddressesOfOneSlash64FailedThenTheWholeSlash64IsThrottledButNotItsNeighbour() {
        for (int i = 1; i <= ADDRESS_FREE + 1; i++) {
            failOnce("2001:db8:0:0:0:0:0:" + Integer.toHexString(i));
        }

        assertThat(failOnce("2001:db8::ffff:1").throttled()).isTrue();
        assertThat(failOnce("2001:db8:0:1::1").throttled()).isFalse();
    }

    @Test
    void sourceKeyWhenIpv4OrIpv6ThenTheIpv4AddressOrTheIpv6Slash64() {
        assertThat(ClientAuthenticationGuard.sourceKey("127.0.0.2")).isEqualTo("127.0.0.2");
        assertThat(ClientAuthenticationGuard.sourceKey("2001:db8:0:0:1:2:3:4"))
                .isEqualTo(ClientAuthenticationGuard.sourceKey("2001:db8::9"))
                .isEqualTo("20010db800000000::/64");
        assertThat(ClientAuthenticationGuard.sourceKey("not:an:address")).isEqualTo("not:an:address");
        assertThat(ClientAuthenticationGuard.sourceKey(null)).isEmpty();
    }

    // ---- what counts --------------------------------------------------------------------------

    @Test
    void recordOutcomeWhenAuthenticatedButScopeRefusedThenNotAFailure() {
        TokenRefusal scope = new TokenRefusal(OAuthErrorCode.INVALID_SCOPE, "scope not allowed",
                Reason.SCOPE_NOT_ALLOWED);
        for (int i = 0; i < ADDRESS_REFUSE + 10; i++) {
            assertThat(guard.recordOutcome(guard.check(DEPLOYMENT), scope).throttled()).isFalse();
        }

        assertThat(failOnce(DEPLOYMENT).throttled()).isFalse();
    }

    @Test
    void recordOutcomeWhenNoSecretWasTriedThenNotAFailure() {
        TokenRefusal unknownTenant = new TokenRefusal(OAuthErrorCode.INVALID_REQUEST, "unknown tenant",
                Reason.UNKNOWN_TENANT);
        for (int i = 0; i < ADDRESS_REFUSE + 10; i++) {
            guard.recordOutcome(guard.check(DEPLOYMENT), unknownTenant);
        }

        assertThat(failOnce(DEPLOYMENT).throttled()).isFalse();
    }

    @Test
    void recordOutcomeWhenClientDisabledThenAFailure() {
        TokenRefusal disabled = new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client is disabled",
                Reason.CLIENT_DISABLED);
        for (int i = 0; i < ADDRESS_FREE + 1; i++) {
            guard.recordOutcome(guard.check(DEPLOYMENT), disabled);
        }

        assertThat(guard.recordOutcome(guard.check(DEPLOYMENT), disabled).throttled()).isTrue();
    }

    @Test
    void recordOutcomeWhenTheAddressBecameThrottledAfterTheCheckThenThatAttemptIsAnsweredAsIs() {
        fail(ATTACKER, ADDRESS_FREE);
        Attempt earlier = guard.check(ATTACKER);
        fail(ATTACKER, 1);

        assertThat(guard.recordOutcome(earlier, WRONG_SECRET).throttled()).isFalse();
    }

    // ---- values -------------------------------------------------------------------------------

    @Test
    void retryAfterSecondsWhenFractionalOrTinyThenRoundedUpToWholeSecondsAndAtLeastOne() {
        fail(ATTACKER, ADDRESS_FREE + 1);
        clock.advance(Duration.ofMillis(400));

        Verdict verdict = failOnce(ATTACKER);

        assertThat(verdict.retryAfter()).isEqualTo(Duration.ofMillis(600));
        assertThat(verdict.retryAfterSeconds()).isOne();
    }

    @Test
    void settingsWhenPerAddressMissingThenRefused() {
        assertThatThrownBy(() -> new Settings(null)).isInstanceOf(NullPointerException.class);
    }
}
