package dev.tollgate.core.key;

import dev.tollgate.core.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRotationTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant NOW = T0.plus(Duration.ofDays(30));
    private static final Duration LONGEST_TTL = Duration.ofHours(2);

    @Test
    void initialKeysWhenCreatedThenOneCurrentAndOneNextOfTheTenantsAlgorithm() {
        List<SigningKey> keys = KeyRotation.initialKeys(TENANT, SigningAlgorithm.ES256, T0);

        assertThat(keys).extracting(SigningKey::state).containsExactly(KeyState.CURRENT, KeyState.NEXT);
        assertThat(keys).allSatisfy(key -> {
            assertThat(key.tenantId()).isEqualTo(TENANT);
            assertThat(key.algorithm()).isEqualTo(SigningAlgorithm.ES256);
            assertThat(key.createdAt()).isEqualTo(T0);
            assertThat(key.privateJwk().isPrivate()).isTrue();
            assertThat(key.privateJwk().getKeyID()).isEqualTo(key.kid());
            assertThat(key.retiredAt()).isNull();
            assertThat(key.publishUntil()).isNull();
        });
        assertThat(keys.get(0).activatedAt()).isEqualTo(T0);
        assertThat(keys.get(1).activatedAt()).isNull();
        assertThat(keys.get(0).kid()).isNotEqualTo(keys.get(1).kid());
    }

    @Test
    void revokeWhenCurrentThenDeletedNextPromotedAndANewNextInserted() {
        List<SigningKey> keys = KeyRotation.initialKeys(TENANT, SigningAlgorithm.ES256, T0);
        SigningKey current = keys.get(0);
        SigningKey next = keys.get(1);

        KeyRotation.Plan plan = KeyRotation.revoke(keys, current.kid(), SigningAlgorithm.ES256, NOW).orElseThrow();

        assertThat(plan.deletes()).containsExactly(current);
        assertThat(plan.updates()).singleElement().satisfies(change -> {
            assertThat(change.expectedState()).isEqualTo(KeyState.NEXT);
            assertThat(change.key().kid()).isEqualTo(next.kid());
            assertThat(change.key().state()).isEqualTo(KeyState.CURRENT);
        });
        assertThat(plan.inserts()).singleElement().satisfies(key -> assertThat(key.state()).isEqualTo(KeyState.NEXT));
    }

    @Test
    void revokeWhenNextOrRetiredThenOnlyThatKeyGoesAndANextIsKept() {
        List<SigningKey> keys = KeyRotation.initialKeys(TENANT, SigningAlgorithm.ES256, T0);

        KeyRotation.Plan next = KeyRotation.revoke(keys, keys.get(1).kid(), SigningAlgorithm.ES256, NOW).orElseThrow();
        assertThat(next.deletes()).containsExactly(keys.get(1));
        assertThat(next.updates()).isEmpty();
        assertThat(next.inserts()).singleElement().satisfies(key -> assertThat(key.state()).isEqualTo(KeyState.NEXT));

        SigningKey retired = keys.get(0).retired(NOW, NOW.plus(LONGEST_TTL));
        KeyRotation.Plan old = KeyRotation.revoke(List.of(retired, keys.get(1)), retired.kid(), SigningAlgorithm.ES256,
                NOW).orElseThrow();
        assertThat(old.deletes()).containsExactly(retired);
        assertThat(old.updates()).isEmpty();
        assertThat(old.inserts()).isEmpty();

        assertThat(KeyRotation.revoke(keys, "no-such-kid", SigningAlgorithm.ES256, NOW)).isEmpty();
    }

    @Test
    void rotateWhenPlannedThenNextPromotedToCurrentGuardedByItsNextState() {
        SigningKey current = current(SigningAlgorithm.ES256);
        SigningKey next = next(SigningAlgorithm.ES256);

        KeyRotation.Plan plan = KeyRotation.rotate(List.of(current, next), SigningAlgorithm.ES256, LONGEST_TTL, NOW);

        assertThat(plan.updates()).contains(new KeyRotation.Change(KeyState.NEXT, next.activated(NOW)));
        SigningKey promoted = changeOf(plan, next.kid()).key();
        assertThat(promoted.state()).isEqualTo(KeyState.CURRENT);
        assertThat(promoted.activatedAt()).isEqualTo(NOW);
        assertThat(promoted.privateJwk()).isEqualTo(next.privateJwk());
    }

    @Test
    void rotateWhenPlannedThenCurrentRetiredUntilLongestTtlPlusClockSkewGuardedByItsCurrentState() {
        SigningKey current = current(SigningAlgorithm.ES256);
        SigningKey next = next(SigningAlgorithm.ES256);

        KeyRotation.Plan plan = KeyRotation.rotate(List.of(current, next), SigningAlgorithm.ES256, LONGEST_TTL, NOW);

        KeyRotation.Change retire = changeOf(plan, current.kid());
        assertThat(retire.expectedState()).isEqualTo(KeyState.CURRENT);
        assertThat(retire.key().state()).isEqualTo(KeyState.RETIRED);
        assertThat(retire.key().retiredAt()).isEqualTo(NOW);
        assertThat(retire.key().publishUntil()).isEqualTo(NOW.plus(LONGEST_TTL).plus(KeyRotation.CLOCK_SKEW))
                .isEqualTo(NOW.plus(Duration.ofMinutes(125)));
        assertThat(retire.key().activatedAt()).isEqualTo(current.activatedAt());
        assertThat(plan.updates()).hasSize(2);
    }

    @Test
    void rotateWhenPlannedThenAFreshNextOfTheGivenAlgorithmInserted() {
        SigningKey current = current(SigningAlgorithm.ES256);
        SigningKey next = next(SigningAlgorithm.ES256);

        KeyRotation.Plan plan = KeyRotation.rotate(List.of(current, next), SigningAlgorithm.EdDSA, LONGEST_TTL, NOW);

        assertThat(plan.inserts()).singleElement().satisfies(fresh -> {
            assertThat(fresh.state()).isEqualTo(KeyState.NEXT);
            assertThat(fresh.algorithm()).isEqualTo(SigningAlgorithm.EdDSA);
            assertThat(fresh.tenantId()).isEqualTo(TENANT);
            assertThat(fresh.createdAt()).isEqualTo(NOW);
            assertThat(fresh.activatedAt()).isNull();
            assertThat(fresh.kid()).isNotIn(current.kid(), next.kid());
        });
        // The promoted key keeps the algorithm it was published with: an algorithm change rolls in over two rotations.
        assertThat(changeOf(plan, next.kid()).key().algorithm()).isEqualTo(SigningAlgorithm.ES256);
    }

    @Test
    void rotateWhenRetiredKeysPastTheirPublishUntilThenDeleted() {
        SigningKey expired = retired(NOW.minusSeconds(1));
        SigningKey endsNow = retired(NOW);
        SigningKey stillPublished = retired(NOW.plusSeconds(1));

        KeyRotation.Plan plan = KeyRotation.rotate(
                List.of(expired, endsNow, stillPublished, current(SigningAlgorithm.ES256), next(SigningAlgorithm.ES256)),
                SigningAlgorithm.ES256, LONGEST_TTL, NOW);

        assertThat(plan.deletes()).containsExactlyInAnyOrder(expired, endsNow);
        assertThat(plan.updates()).extracting(c -> c.key().kid()).doesNotContain(stillPublished.kid());
    }

    @Test
    void rotateWhenNoRetiredKeysThenDeletesNothing() {
        KeyRotation.Plan plan = KeyRotation.rotate(List.of(current(SigningAlgorithm.ES256), next(SigningAlgorithm.ES256)),
                SigningAlgorithm.ES256, LONGEST_TTL, NOW);

        assertThat(plan.deletes()).isEmpty();
    }

    @Test
    void rotateWhenRingHasNoNextThenOnlyInsertsANextAndGuardsTheUnchangedCurrent() {
        SigningKey current = current(SigningAlgorithm.RS256);

        KeyRotation.Plan plan = KeyRotation.rotate(List.of(current), SigningAlgorithm.ES256, LONGEST_TTL, NOW);

        assertThat(plan.updates()).containsExactly(new KeyRotation.Change(KeyState.CURRENT, current));
        assertThat(plan.inserts()).singleElement().satisfies(fresh -> {
            assertThat(fresh.state()).isEqualTo(KeyState.NEXT);
            assertThat(fresh.algorithm()).isEqualTo(SigningAlgorithm.ES256);
            assertThat(fresh.tenantId()).isEqualTo(TENANT);
        });
        assertThat(plan.deletes()).isEmpty();
    }

    @Test
    void rotateWhenRingHasNoNextThenExpiredRetiredKeysStillDeleted() {
        SigningKey expired = retired(NOW.minusSeconds(1));
        SigningKey current = current(SigningAlgorithm.ES256);

        KeyRotation.Plan plan = KeyRotation.rotate(List.of(expired, current), SigningAlgorithm.ES256, LONGEST_TTL, NOW);

        assertThat(plan.deletes()).containsExactly(expired);
        assertThat(plan.updates()).containsExactly(new KeyRotation.Change(KeyState.CURRENT, current));
    }

    @Test
    void rotateWhenRingHasNoCurrentThenPromotesNextWithoutRetiring() {
        SigningKey next = next(SigningAlgorithm.ES256);

        KeyRotation.Plan plan = KeyRotation.rotate(List.of(next), SigningAlgorithm.ES256, LONGEST_TTL, NOW);

        assertThat(plan.updates()).containsExactly(new KeyRotation.Change(KeyState.NEXT, next.activated(NOW)));
        assertThat(plan.inserts()).hasSize(1);
    }

    @Test
    void rotateWhenNoKeysThenRefused() {
        assertThatThrownBy(() -> KeyRotation.rotate(List.of(), SigningAlgorithm.ES256, LONGEST_TTL, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no keys to rotate");
    }

    @Test
    void everyUpdateWhenPlannedThenGuardedByTheStateTheKeyHad() {
        SigningKey current = current(SigningAlgorithm.ES256);
        SigningKey next = next(SigningAlgorithm.ES256);

        KeyRotation.Plan plan = KeyRotation.rotate(List.of(current, next), SigningAlgorithm.ES256, LONGEST_TTL, NOW);

        assertThat(plan.updates()).extracting(c -> c.key().kid() + ":" + c.expectedState() + "->" + c.key().state())
                .containsExactlyInAnyOrder(current.kid() + ":CURRENT->RETIRED", next.kid() + ":NEXT->CURRENT");
    }

    @Test
    void planListsWhenBuiltThenImmutableCopies() {
        KeyRotation.Plan plan = KeyRotation.rotate(List.of(current(SigningAlgorithm.ES256), next(SigningAlgorithm.ES256)),
                SigningAlgorithm.ES256, LONGEST_TTL, NOW);

        assertThatThrownBy(() -> plan.inserts().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    private static KeyRotation.Change changeOf(KeyRotation.Plan plan, String kid) {
        return plan.updates().stream().filter(c -> c.key().kid().equals(kid)).findFirst()
                .orElseThrow(() -> new AssertionError("no change of " + kid));
    }

    static SigningKey next(SigningAlgorithm algorithm) {
        String kid = "next-" + algorithm + "-" + System.nanoTime();
        return new SigningKey(TENANT, kid, algorithm, KeyState.NEXT, algorithm.generate(kid), T0, null, null, null);
    }

    static SigningKey current(SigningAlgorithm algorithm) {
        String kid = "current-" + algorithm + "-" + System.nanoTime();
        return new SigningKey(TENANT, kid, algorithm, KeyState.CURRENT, algorithm.generate(kid), T0, T0, null, null);
    }

    static SigningKey retired(Instant publishUntil) {
        String kid = "retired-" + System.nanoTime();
        return new SigningKey(TENANT, kid, SigningAlgorithm.ES256, KeyState.RETIRED,
                SigningAlgorithm.ES256.generate(kid), T0, T0, T0.plusSeconds(1), publishUntil);
    }
}
