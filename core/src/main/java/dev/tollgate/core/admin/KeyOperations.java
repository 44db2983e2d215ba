package dev.tollgate.core.admin;

import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;

import java.util.List;

import static dev.tollgate.core.admin.Authorizer.requireOperator;

/** A tenant's signing keys, which only the operator rotates (from the CLI); each rotation audited. */
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
}
