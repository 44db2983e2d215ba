package dev.tollgate.core.key;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When a tenant's keys are due for their automatic rotation: once the CURRENT key has signed for
 * the tenant's interval. Every node asks on every tick; {@link KeyRotation.Plan}'s guarded updates
 * let exactly one of them rotate, and the others then see a CURRENT key activated just now, which is
 * not due for another interval.
 *
 * <p>Measured from the CURRENT key's activation, not from a clock of its own: a manual rotation
 * restarts the period, and a node that was down when a rotation fell due rotates when it comes back.
 */
public final class KeyRotationSchedule {

    private KeyRotationSchedule() {
    }

    /** What a tick should do for one tenant. */
    public sealed interface Decision {
    }

    /** Nothing yet: automatic rotation is off ({@code dueAt} empty) or the period has not passed. */
    public record NotDue(Optional<Instant> dueAt) implements Decision {
    }

    /** Rotate now. */
    public record Due(Instant dueAt) implements Decision {
    }

    /**
     * The period has passed but the NEXT key has not been published for
     * {@link KeyRotation#PUBLISHED_BEFORE_SIGNING} (it replaced a revoked key, say): promoting it now
     * would sign with a key some verifier may not know. The tick tries again; {@code retryAt} is when
     * it can succeed.
     */
    public record Deferred(Instant dueAt, Instant retryAt, String reason) implements Decision {
    }

    /**
     * @param interval the tenant's rotation interval; null: automatic rotation is off
     * @param keys     the tenant's keys now
     */
    public static Decision decide(Duration interval, List<SigningKey> keys, Instant now) {
        if (interval == null) {
            return new NotDue(Optional.empty());
        }
        Optional<SigningKey> current = keys.stream().filter(k -> k.state() == KeyState.CURRENT).findFirst();
        // A ring without a CURRENT key (only after manual edits) is repaired by the next rotation at once.
        Instant dueAt = current.map(k -> k.activatedAt() == null ? k.createdAt() : k.activatedAt())
                .map(activated -> activated.plus(interval)).orElse(now);
        if (now.isBefore(dueAt)) {
            return new NotDue(Optional.of(dueAt));
        }
        Optional<Instant> mayPromote = KeyRotation.nextMaySignAt(keys);
        if (mayPromote.isPresent() && now.isBefore(mayPromote.get())) {
            return new Deferred(dueAt, mayPromote.get(), "the next key has been published for less than "
                    + KeyRotation.PUBLISHED_BEFORE_SIGNING.toSeconds()
                    + " s (JWKS max-age plus cache staleness), so a node or verifier may not know it yet");
        }
        return new Due(dueAt);
    }
}
