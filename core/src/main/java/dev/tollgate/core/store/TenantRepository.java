package dev.tollgate.core.store;

import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;

import java.util.List;
import java.util.Optional;

public interface TenantRepository {

    /** @throws DuplicateException when the id is taken */
    void insert(Tenant tenant);

    Optional<Tenant> find(TenantId id);

    /** Ordered by id. */
    List<Tenant> list();

    /** Replaces name and settings. @return false when no such tenant */
    boolean update(Tenant tenant);
}
