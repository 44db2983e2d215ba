package dev.tollgate.core.store;

import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.tenant.TenantId;

import java.util.List;
import java.util.Optional;

/** Console admins. An admin belongs to exactly one tenant; usernames are unique per tenant. */
public interface AdminRepository {

    /** @throws DuplicateException when the tenant already has this username (or the id is taken) */
    void insert(Admin admin);

    /** The admin only if it belongs to {@code tenant}. */
    Optional<Admin> find(TenantId tenant, String id);

    Optional<Admin> findByUsername(TenantId tenant, String username);

    /** Ordered by username. */
    List<Admin> list(TenantId tenant);

    /** Replaces every field but id, tenant and creation time. @return false when no such admin in that tenant */
    boolean update(Admin admin);

    boolean delete(TenantId tenant, String id);
}
