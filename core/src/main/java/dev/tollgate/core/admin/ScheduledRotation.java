package dev.tollgate.core.admin;

import dev.tollgate.core.key.KeyRotationSchedule;
import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;

/**
 * What one node's look at a tenant's rotation schedule did.
 *
 * @param decision     what the schedule said ({@link KeyRotationSchedule.Due} when this node tried to rotate)
 * @param rotated      this node rotated; false with a {@code Due} decision means another node got there first
 * @param currentSince when the CURRENT key started signing, as this node last saw it; null when unknown
 *                     (the race was lost, so it changed under this node)
 */
public record ScheduledRotation(TenantId tenant, KeyRotationSchedule.Decision decision, boolean rotated,
                                Instant currentSince) {

    /** Another node rotated between this node's decision and its write. */
    public boolean lostRace() {
        return !rotated && decision instanceof KeyRotationSchedule.Due;
    }
}
