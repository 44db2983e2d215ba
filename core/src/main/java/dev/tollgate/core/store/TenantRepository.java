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

    /**
     * Locks the tenant's row until the surrounding {@link Store#inTransaction} ends. Changes that
     * check a rule over several of the tenant's rows and then write (at least one admin with role
     * admin, usernames unique regardless of case, an admin's read-modify-write) take it first: under
     * READ COMMITTED two such checks would otherwise both pass and both commit. A second caller waits
     * for the first to commit and then reads what it wrote.
     *
     * @return false when no such tenant
     */
    boolean lock(TenantId id);
}
