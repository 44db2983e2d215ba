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

    /**
     * Records {@code step} as the admin's last accepted TOTP step, only if it is later than the one
     * recorded (none at first). Atomic, so of two nodes (or threads) accepting the same code only one
     * gets true (RFC 6238 §5.2: a code is accepted once).
     *
     * @return true when recorded; false when a step as late or later was recorded, or no such admin
     */
    boolean recordTotpStep(TenantId tenant, String id, long step);
}
