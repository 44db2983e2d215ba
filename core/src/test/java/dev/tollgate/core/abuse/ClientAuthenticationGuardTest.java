package dev.tollgate.core.abuse;

import dev.tollgate.testing.TestClock;
import dev.tollgate.core.abuse.ClientAuthenticationGuard.Attempt;
import dev.tollgate.core.abuse.ClientAuthenticationGuard.Limit;
import dev.tollgate.core.abuse.ClientAuthenticationGuard.Settings;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.OAuthErrorCode;
import dev.tollgate.core.token.TokenRefusal;
import dev.tollgate.core.token.TokenRefusal.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static dev.tollgate.core.client.ClientCredentialBuilder.aClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAuthenticationGuardTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final String CLIENT = "billing-service";
    private static final String OTHER_CLIENT = "reporting-job";
    private static final String ATTACKER = "203.0.113.7";
    private static final String DEPLOYMENT = "198.51.100.10";
    private static final TokenRefusal WRONG_SECRET = TokenRefusal.invalidClient(Reason.WRONG_SECRET);

    private static final int ADDRESS_FREE = Settings.DEFAULTS.perAddress().freeFailures();
    private static final int ADDRESS_REFUSE = Settings.DEFAULTS.perAddress().refuseAfter();
    private static final int CLIENT_FREE = Settings.DEFAULTS.perClientId().freeFailures();

    private final TestClock clock = TestClock.startingNow();
    private final ClientAuthenticationGuard guard = new ClientAuthenticationGuard(Settings.DEFAULTS, clock);
    private final ClientCredential billing = aClient().id(CLIENT).build();

    private void fail(String address, String clientId, int times) {
        for (int i = 0; i < times; i++) {
            Attempt attempt = guard.check(address, TENANT, clientId);
            assertThat(attempt.allowed()).as("attempt %d of %s for %s", i + 1, address, clientId).isTrue();
            guard.recordOutcome(attempt, WRONG_SECRET, null);
        }
    }

    /** One wrong secret for each of {@code ids} different client ids, from one address. */
    private void spray(String address, int ids) {
        for (int i = 0; i < ids; i++) {
            fail(address, "guess-" + i, 1);
        }
    }

    /** One wrong secret for the client id from each of {@code addresses} different addresses. */
    private void spread(String clientId, int addresses) {
        for (int i = 1; i <= addresses; i++) {
            fail("192.0.2." + i, clientId, 1);
        }
    }

    private void succeed(String address, String clientId) {
        Attempt attempt = guard.check(address, TENANT, clientId);
        assertThat(attempt.allowed()).isTrue();
        guard.recordOutcome(attempt, null, aClient().id(clientId).build());
    }

    private Attempt check(String address, String clientId) {
        return guard.check(address, TENANT, clientId);
    }

    @Test
    void defaultsWhenUnconfiguredThenPerClientIdTwentyFreeRefusedAfterTwoHundredPerAddressOneHundredFreeRefusedAfterThreeHundred() {
        assertThat(Settings.DEFAULTS).isEqualTo(new Settings(
                new FailureLimiter.Settings(100, Duration.ofSeconds(1), Duration.ofSeconds(60), 300,
                        Duration.ofMinutes(15), 100_000),
                new FailureLimiter.Settings(20, Duration.ofSeconds(1), Duration.ofSeconds(60), 200,
                        Duration.ofMinutes(15), 100_000),
                Duration.ofHours(24), 100_000));
        assertThat(guard.settings()).isSameAs(Settings.DEFAULTS);
    }

    @Test
    void checkWhenNothingFailedThenAllowedWithoutWait() {
        Attempt attempt = check(DEPLOYMENT, CLIENT);

        assertThat(attempt.allowed()).isTrue();
        assertThat(attempt.refusedBy()).isNull();
        assertThat(attempt.retryAfter()).isZero();
    }

    // ---- per source address -----------------------------------------------------------------

    @Test
    void checkWhenAddressFailedWithinTheFreeFailuresThenAllowed() {
        spray(ATTACKER, ADDRESS_FREE);

        assertThat(check(ATTACKER, "guess-x").allowed()).isTrue();
    }

    @Test
    void checkWhenAddressFailedBeyondTheFreeFailuresForAnyClientIdsThenRefusedByAddress() {
        spray(ATTACKER, ADDRESS_FREE + 1);

        Attempt attempt = check(ATTACKER, "guess-x");

        assertThat(attempt.allowed()).isFalse();
        assertThat(attempt.refusedBy()).isEqualTo(Limit.ADDRESS);
        assertThat(attempt.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void checkWhenAddressReachesRefuseAfterThenRefusedForTheWholeWindow() {
        for (int i = 0; i < ADDRESS_REFUSE; i++) {
            Attempt attempt = check(ATTACKER, "guess-" + i);
            if (!attempt.allowed()) {
                assertThat(attempt.refusedBy()).isEqualTo(Limit.ADDRESS);
                clock.advance(attempt.retryAfter());
                attempt = check(ATTACKER, "guess-" + i);
            }
            guard.recordOutcome(attempt, WRONG_SECRET, null);
        }

        Attempt refused = check(ATTACKER, "guess-x");
        assertThat(refused.refusedBy()).isEqualTo(Limit.ADDRESS);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void checkWhenAnotherAddressFailedThenAllowed() {
        spray(ATTACKER, ADDRESS_FREE + 1);

        assertThat(check(DEPLOYMENT, "guess-x").allowed()).isTrue();
    }

    @Test
    void checkWhenTheAddressDelayHasPassedThenAllowedAgain() {
        spray(ATTACKER, ADDRESS_FREE + 1);

        clock.advance(Duration.ofSeconds(1));

        assertThat(check(ATTACKER, "guess-x").allowed()).isTrue();
    }

    @Test
    void checkWhenTheWindowPassedWithoutFailuresThenTheAddressStartsAfresh() {
        spray(ATTACKER, ADDRESS_FREE + 1);

        clock.advance(Duration.ofMinutes(15));

        spray(ATTACKER, ADDRESS_FREE);
        assertThat(check(ATTACKER, "guess-x").allowed()).isTrue();
    }

    @Test
    void checkWhenIpv6AddressesOfOneSlash64FailedThenTheWholeSlash64IsRefusedButNotItsNeighbour() {
        for (int i = 1; i <= ADDRESS_FREE + 1; i++) {
            fail("2001:db8:0:0:0:0:0:" + Integer.toHexString(i), "guess-" + i, 1);
        }

        assertThat(check("2001:db8::ffff:1", "guess").refusedBy()).isEqualTo(Limit.ADDRESS);
        assertThat(check("2001:db8:0:1::1", "guess").allowed()).isTrue();
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

    // ---- per client id ------------------------------------------------------------------------

    @Test
    void checkWhenClientIdFailedFromManyAddressesThenRefusedByClientIdFromAFreshAddress() {
        spread(CLIENT, CLIENT_FREE + 1);

        Attempt attempt = check("192.0.2.200", CLIENT);

        assertThat(attempt.refusedBy()).isEqualTo(Limit.CLIENT_ID);
        assertThat(attempt.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(check("192.0.2.200", OTHER_CLIENT).allowed()).isTrue();
    }

    @Test
    void checkWhenClientIdFailedFromOneAddressThenRefusedByClientIdBeforeTheAddressCountMatters() {
        fail(ATTACKER, CLIENT, CLIENT_FREE + 1);

        assertThat(check(ATTACKER, CLIENT).refusedBy()).isEqualTo(Limit.CLIENT_ID);
        assertThat(check(ATTACKER, OTHER_CLIENT).allowed()).isTrue();
    }

    @Test
    void checkWhenClientIdOfAnotherTenantFailedThenAllowed() {
        for (int i = 1; i <= CLIENT_FREE + 1; i++) {
            Attempt attempt = guard.check("192.0.2." + i, TenantId.of("10002"), CLIENT);
            guard.recordOutcome(attempt, WRONG_SECRET, null);
        }

        assertThat(check("192.0.2.200", CLIENT).allowed()).isTrue();
    }

    @Test
    void checkWhenBothLimitsRefuseAndTheClientIdWaitIsLongerThenTheClientIdWaitIsTold() {
        spread(CLIENT, CLIENT_FREE + 1);
        clock.advance(Duration.ofSeconds(1));
        fail("192.0.2.250", CLIENT, 1);
        spray(ATTACKER, ADDRESS_FREE + 1);

        Attempt attempt = check(ATTACKER, CLIENT);

        assertThat(attempt.refusedBy()).isEqualTo(Limit.CLIENT_ID);
        assertThat(attempt.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void checkWhenBothLimitsRefuseAndTheAddressWaitIsLongerThenTheAddressWaitIsTold() {
        spray(ATTACKER, ADDRESS_FREE + 1);
        clock.advance(Duration.ofSeconds(1));
        fail(ATTACKER, "guess-y", 1);
        spread(CLIENT, CLIENT_FREE + 1);

        Attempt attempt = check(ATTACKER, CLIENT);

        assertThat(attempt.refusedBy()).isEqualTo(Limit.ADDRESS);
        assertThat(attempt.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void checkWhenClientIdIsMalformedThenOnlyTheAddressCounts() {
        String junk = CLIENT + "\u0000" + "x".repeat(10_000);
        fail(ATTACKER, junk, ADDRESS_FREE + 1);

        assertThat(check(ATTACKER, junk).refusedBy()).isEqualTo(Limit.ADDRESS);
        assertThat(check(DEPLOYMENT, junk).allowed()).isTrue();
    }

    // ---- known (address, client) pairs ---------------------------------------------------------

    @Test
    void checkWhenClientIdIsUnderAttackThenAnAddressThatAuthenticatedBeforeIsStillAllowed() {
        succeed(DEPLOYMENT, CLIENT);
        spread(CLIENT, CLIENT_FREE + 1);
        assertThat(check("192.0.2.200", CLIENT).refusedBy()).isEqualTo(Limit.CLIENT_ID);

        assertThat(check(DEPLOYMENT, CLIENT).allowed()).isTrue();
    }

    @Test
    void checkWhenSharedAddressIsRefusedThenAClientThatAuthenticatedFromItIsStillAllowed() {
        // A NAT: one deployment authenticated, something else behind the same address guesses.
        succeed(ATTACKER, CLIENT);
        spray(ATTACKER, ADDRESS_FREE + 1);
        assertThat(check(ATTACKER, OTHER_CLIENT).refusedBy()).isEqualTo(Limit.ADDRESS);

        assertThat(check(ATTACKER, CLIENT).allowed()).isTrue();
    }

    @Test
    void checkWhenAKnownPairFailsBeyondTheFreeFailuresThenThatPairIsRefused() {
        succeed(DEPLOYMENT, CLIENT);
        // Neither the per-id nor the per-address count: the pair's own, with the address's settings.
        fail(DEPLOYMENT, CLIENT, ADDRESS_FREE + 1);

        Attempt attempt = check(DEPLOYMENT, CLIENT);

        assertThat(attempt.refusedBy()).isEqualTo(Limit.CLIENT_AT_ADDRESS);
        assertThat(attempt.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(check(DEPLOYMENT, OTHER_CLIENT).allowed()).isTrue();
        assertThat(check("192.0.2.1", CLIENT).allowed()).isTrue();
    }

    @Test
    void recordSuccessWhenPairKnownThenThatPairsCountCleared() {
        succeed(DEPLOYMENT, CLIENT);
        fail(DEPLOYMENT, CLIENT, ADDRESS_FREE + 1);
        clock.advance(Duration.ofSeconds(1));

        succeed(DEPLOYMENT, CLIENT);

        fail(DEPLOYMENT, CLIENT, ADDRESS_FREE);
        assertThat(check(DEPLOYMENT, CLIENT).allowed()).isTrue();
    }

    @Test
    void recordSuccessWhenOtherClientsFailedFromTheAddressThenTheirAddressCountKept() {
        // An attacker with one valid credential of its own cannot reset its address's count with it.
        spray(ATTACKER, ADDRESS_FREE + 1);
        clock.advance(Duration.ofSeconds(1));

        succeed(ATTACKER, CLIENT);

        fail(ATTACKER, "guess-a", 1);
        assertThat(check(ATTACKER, "guess-b").refusedBy()).isEqualTo(Limit.ADDRESS);
        assertThat(check(ATTACKER, CLIENT).allowed()).isTrue();
    }

    @Test
    void recordSuccessWhenClientIdHasFailuresThenTheClientIdCountKept() {
        succeed(DEPLOYMENT, CLIENT);
        spread(CLIENT, CLIENT_FREE + 1);

        succeed(DEPLOYMENT, CLIENT);

        assertThat(check("192.0.2.200", CLIENT).refusedBy()).isEqualTo(Limit.CLIENT_ID);
    }

    @Test
    void checkWhenTheSuccessIsOlderThanTheMemoryThenThePairIsNoLongerExempt() {
        succeed(DEPLOYMENT, CLIENT);
        clock.advance(Duration.ofHours(24));
        spread(CLIENT, CLIENT_FREE + 1);

        assertThat(check(DEPLOYMENT, CLIENT).refusedBy()).isEqualTo(Limit.CLIENT_ID);
        assertThat(guard.knownPairs()).isZero();
    }

    @Test
    void recordSuccessWhenLaterThenTheMemoryRenewed() {
        succeed(DEPLOYMENT, CLIENT);
        clock.advance(Duration.ofHours(12));
        succeed(DEPLOYMENT, CLIENT);
        clock.advance(Duration.ofHours(23));

        assertThat(guard.knownPairs()).isOne();
    }

    @Test
    void recordSuccessWhenWithinAMinuteOfTheLastWriteThenNoWriteAgain() {
        succeed(DEPLOYMENT, CLIENT);
        clock.advance(Duration.ofSeconds(30));
        succeed(DEPLOYMENT, CLIENT);

        clock.advance(Duration.ofHours(24).minusSeconds(31));
        assertThat(guard.knownPairs()).isOne();
        clock.advance(Duration.ofSeconds(1));
        assertThat(guard.knownPairs()).isZero();
    }

    @Test
    void knownPairsWhenTheMemoryEndsThenZeroWhateverTheClockStartedAt() {
        // Caffeine sweeps expired entries in buckets over an hour wide for a 24 h expiry; the count
        // must not depend on where the start time falls in a bucket (this was flaky with the wall clock).
        for (int start = 0; start < 200; start++) {
            TestClock startedAt = new TestClock(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(start * 433L));
            ClientAuthenticationGuard fresh = new ClientAuthenticationGuard(Settings.DEFAULTS, startedAt);
            fresh.recordOutcome(fresh.check(DEPLOYMENT, TENANT, CLIENT), null, aClient().id(CLIENT).build());

            startedAt.advance(Duration.ofHours(24).minusSeconds(1));
            assertThat(fresh.knownPairs()).as("start %d, a second before the end", start).isOne();
            startedAt.advance(Duration.ofSeconds(1));
            assertThat(fresh.knownPairs()).as("start %d, at the end", start).isZero();
        }
    }

    @Test
    void recordFailureWhenPairKnownThenTheMemoryNotExtended() {
        succeed(DEPLOYMENT, CLIENT);
        clock.advance(Duration.ofHours(23));
        fail(DEPLOYMENT, CLIENT, 1);

        clock.advance(Duration.ofHours(1));

        assertThat(guard.knownPairs()).isZero();
    }

    @Test
    void recordSuccessWhenManyPairsThenMemoryStaysWithinTheBound() {
        FailureLimiter.Settings limits = new FailureLimiter.Settings(0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                5, Duration.ofMinutes(1), 100);
        ClientAuthenticationGuard small = new ClientAuthenticationGuard(
                new Settings(limits, limits, Duration.ofHours(24), 100), clock);

        for (int i = 0; i < 10_000; i++) {
            Attempt attempt = small.check("10.0." + (i / 256) + "." + (i % 256), TENANT, CLIENT);
            small.recordOutcome(attempt, null, billing);
        }

        assertThat(small.knownPairs()).isLessThanOrEqualTo(100);
    }

    // ---- what counts --------------------------------------------------------------------------

    @Test
    void recordOutcomeWhenAuthenticatedButScopeRefusedThenSuccessNotFailure() {
        TokenRefusal scope = new TokenRefusal(OAuthErrorCode.INVALID_SCOPE, "scope not allowed",
                Reason.SCOPE_NOT_ALLOWED);
        for (int i = 0; i < ADDRESS_FREE + 10; i++) {
            guard.recordOutcome(check(DEPLOYMENT, CLIENT), scope, billing);
        }
        spread(CLIENT, CLIENT_FREE + 1);

        // Not refused for its own requests, and known: exempt while the id is under attack.
        assertThat(check(DEPLOYMENT, CLIENT).allowed()).isTrue();
    }

    @Test
    void recordOutcomeWhenNoSecretWasTriedThenNeitherFailureNorSuccess() {
        TokenRefusal unknownTenant = new TokenRefusal(OAuthErrorCode.INVALID_REQUEST, "unknown tenant",
                Reason.UNKNOWN_TENANT);
        for (int i = 0; i < 50; i++) {
            guard.recordOutcome(check(DEPLOYMENT, CLIENT), unknownTenant, null);
        }
        assertThat(check(DEPLOYMENT, CLIENT).allowed()).isTrue();
        spread(CLIENT, CLIENT_FREE + 1);

        assertThat(check(DEPLOYMENT, CLIENT).refusedBy()).isEqualTo(Limit.CLIENT_ID);
    }

    @Test
    void recordOutcomeWhenClientDisabledThenFailure() {
        TokenRefusal disabled = new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client is disabled",
                Reason.CLIENT_DISABLED);
        for (int i = 0; i < CLIENT_FREE + 1; i++) {
            guard.recordOutcome(check(DEPLOYMENT, CLIENT), disabled, billing);
        }

        assertThat(check(DEPLOYMENT, CLIENT).refusedBy()).isEqualTo(Limit.CLIENT_ID);
    }

    @Test
    void recordOutcomeWhenTheAttemptWasRefusedThenItIsAMistake() {
        fail(ATTACKER, CLIENT, CLIENT_FREE + 1);
        Attempt refused = check(ATTACKER, CLIENT);

        assertThatThrownBy(() -> guard.recordOutcome(refused, WRONG_SECRET, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> guard.recordOutcome(refused, null, billing))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- values -------------------------------------------------------------------------------

    @Test
    void retryAfterSecondsWhenFractionalOrTinyThenRoundedUpToWholeSecondsAndAtLeastOne() {
        fail(ATTACKER, CLIENT, CLIENT_FREE + 1);
        clock.advance(Duration.ofMillis(400));

        Attempt attempt = check(ATTACKER, CLIENT);

        assertThat(attempt.retryAfter()).isEqualTo(Duration.ofMillis(600));
        assertThat(attempt.retryAfterSeconds()).isOne();
    }

    @Test
    void settingsWhenInvalidThenRefused() {
        FailureLimiter.Settings limits = Settings.DEFAULTS.perAddress();
        Duration day = Duration.ofHours(24);
        assertThatThrownBy(() -> new Settings(null, limits, day, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Settings(limits, null, day, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Settings(limits, limits, null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Settings(limits, limits, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("knownAddressMemory");
        assertThatThrownBy(() -> new Settings(limits, limits, day.negated(), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("knownAddressMemory");
        assertThatThrownBy(() -> new Settings(limits, limits, day, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxKnownAddresses");
    }
}
