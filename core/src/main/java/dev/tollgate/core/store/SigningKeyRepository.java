package dev.tollgate.core.store;

import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.tenant.TenantId;

import java.util.List;

public interface SigningKeyRepository {

    /** Ordered by creation time, then kid. */
    List<SigningKey> list(TenantId tenant);

    void insert(SigningKey key);

    /**
     * Applies a rotation atomically. Each update is guarded by the state the plan expected; if any
     * guard fails (another node rotated first), nothing is applied and the result is false.
     */
    boolean apply(KeyRotation.Plan plan);
}
