package dev.tollgate.core.admin;

import dev.tollgate.core.key.KeyRotationSchedule;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;

import java.util.List;

import static dev.tollgate.core.admin.Authorizer.requireOperator;

/** A tenant's signing keys, which only the operator rotates or revokes (from the CLI); each change audited. */
public final class KeyOperations {

    private final Store store;
    private final KeyAdministration keys;
    private final AuditTrail audit;

    KeyOperations(Store store, KeyAdministration keys, AuditTrail audit) {
        this.store = store;
        this.keys = keys;
        this.audit = audit;
    }

    public List<SigningKey> list(Actor actor, TenantId tenant) {
        requireOperator(actor);
        return keys.list(tenant);
    }

    /**
     * Rotates once (see {@link KeyAdministration#rotate}): the rotation and its audit event commit
     * together. Another node rotating at the same moment is a {@link AdminFailure.Conflict}.
     *
     * @return the keys after rotation
     */
    public List<SigningKey> rotate(Actor actor, TenantId tenant) {
        requireOperator(actor);
        List<SigningKey> after = store.inTransaction(() -> {
            List<SigningKey> rotated = keys.rotate(tenant);
            audit.event(actor, AuditAction.KEY_ROTATE, null, tenant.value(), "current="
                    + rotated.stream().filter(k -> k.state() == dev.tollgate.core.key.KeyState.CURRENT)
                    .map(SigningKey::kid).findFirst().orElse("none"));
            return rotated;
        });
        keys.announce(tenant);
        return after;
    }

    /**
     * The automatic rotation of one tenant (see {@link KeyAdministration#rotateIfDue}), by Tollgate
     * itself: audited as {@code key.rotate} with actor {@code system}, in the rotation's transaction,
     * so a node that lost the race to another writes nothing.
     */
    public ScheduledRotation rotateIfDue(TenantId tenant) {
        Actor system = Actor.system(tenant);
        ScheduledRotation outcome = store.inTransaction(() -> {
            ScheduledRotation result = keys.rotateIfDue(tenant);
            if (result.rotated()) {
                audit.event(system, AuditAction.KEY_ROTATE, null, tenant.value(), "automatic, due at "
                        + ((KeyRotationSchedule.Due) result.decision()).dueAt()
                        + ", current since " + result.currentSince());
            }
            return result;
        });
        if (outcome.rotated()) {
            keys.announce(tenant);
        }
        return outcome;
    }

    /**
     * Removes a key that may be compromised: out of the JWKS at once, every token it signed refused,
     * a new key signing (see {@link KeyAdministration#revoke}); audited as {@code key.revoke}.
     *
     * @return the keys after the removal
     */
    public List<SigningKey> revoke(Actor actor, TenantId tenant, String kid) {
        requireOperator(actor);
        List<SigningKey> after = store.inTransaction(() -> {
            List<SigningKey> remaining = keys.revoke(tenant, kid);
            audit.event(actor, AuditAction.KEY_REVOKE, null, tenant.value(), "kid=" + kid);
            return remaining;
        });
        keys.announce(tenant);
        return after;
    }
}
