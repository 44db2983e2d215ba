package dev.tollgate.core.key;

import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRotationScheduleTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration INTERVAL = Duration.ofDays(30);
    private static final List<SigningKey> KEYS = KeyRotation.initialKeys(TENANT, SigningAlgorithm.ES256, T0);

    @Test
    void decideWhenAutomaticRotationOffThenNeverDue() {
        assertThat(KeyRotationSchedule.decide(null, KEYS, T0.plus(Duration.ofDays(10_000))))
                .isEqualTo(new KeyRotationSchedule.NotDue(Optional.empty()));
    }

    @Test
    void decideWhenTheCurrentKeyHasSignedForLessThanTheIntervalThenNotDueUntilItHas() {
        assertThat(KeyRotationSchedule.decide(INTERVAL, KEYS, T0.plus(INTERVAL).minusNanos(1)))
                .isEqualTo(new KeyRotationSchedule.NotDue(Optional.of(T0.plus(INTERVAL))));
    }

    @Test
    void decideWhenTheCurrentKeyHasSignedForTheIntervalThenDue() {
        assertThat(KeyRotationSchedule.decide(INTERVAL, KEYS, T0.plus(INTERVAL)))
                .isEqualTo(new KeyRotationSchedule.Due(T0.plus(INTERVAL)));
    }

    @Test
    void decideWhenRotatedSinceThenThePeriodRunsFromTheNewCurrentKey() {
        Instant rotatedAt = T0.plus(Duration.ofDays(3));
        List<SigningKey> rotated = apply(KeyRotation.rotate(KEYS, SigningAlgorithm.ES256, Duration.ofHours(1),
                rotatedAt));

        assertThat(KeyRotationSchedule.decide(INTERVAL, rotated, T0.plus(INTERVAL)))
                .isEqualTo(new KeyRotationSchedule.NotDue(Optional.of(rotatedAt.plus(INTERVAL))));
    }

    @Test
    void decideWhenDueButTheNextKeyWasPublishedTooRecentlyThenDeferredUntilItHasBeenPublishedLongEnough() {
        Instant due = T0.plus(INTERVAL);
        String next = KEYS.get(1).kid();
        Instant replacedAt = due.minusSeconds(10);
        List<SigningKey> replaced = apply(KeyRotation.revoke(KEYS, next, SigningAlgorithm.ES256, replacedAt)
                .orElseThrow());

        KeyRotationSchedule.Decision decision = KeyRotationSchedule.decide(INTERVAL, replaced, due);

        assertThat(decision).isInstanceOfSatisfying(KeyRotationSchedule.Deferred.class, deferred -> {
            assertThat(deferred.dueAt()).isEqualTo(due);
            assertThat(deferred.retryAt()).isEqualTo(replacedAt.plus(KeyRotation.PUBLISHED_BEFORE_SIGNING));
            assertThat(deferred.reason()).contains("published for less than 310 s");
        });
        assertThat(KeyRotationSchedule.decide(INTERVAL, replaced, replacedAt.plus(KeyRotation.PUBLISHED_BEFORE_SIGNING)))
                .isEqualTo(new KeyRotationSchedule.Due(due));
    }

    @Test
    void settingsWhenIntervalShorterThanAnHourOrLongerThanTenYearsThenRefused() {
        assertThatThrownBy(() -> TenantSettings.DEFAULTS.withKeyRotationInterval(Duration.ofMinutes(59)))
                .hasMessage(TenantSettings.KEY_ROTATION_INTERVAL_RULE);
        assertThatThrownBy(() -> TenantSettings.DEFAULTS.withKeyRotationInterval(Duration.ofDays(3651)))
                .hasMessage(TenantSettings.KEY_ROTATION_INTERVAL_RULE);
        assertThatThrownBy(() -> TenantSettings.DEFAULTS.withKeyRotationInterval(Duration.ofHours(-2)))
                .hasMessage(TenantSettings.KEY_ROTATION_INTERVAL_RULE);
        assertThat(TenantSettings.DEFAULTS.keyRotationInterval()).isEqualTo(Duration.ofDays(90));
    }

    /** The keys after a plan, as a store would leave them. */
    private static List<SigningKey> apply(KeyRotation.Plan plan) {
        List<SigningKey> keys = new ArrayList<>(KEYS);
        keys.removeAll(plan.deletes());
        for (KeyRotation.Change change : plan.updates()) {
            keys.removeIf(k -> k.kid().equals(change.key().kid()));
            keys.add(change.key());
        }
        keys.addAll(plan.inserts());
        return keys;
    }
}
