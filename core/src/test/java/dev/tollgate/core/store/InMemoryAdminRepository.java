package dev.tollgate.core.store;

import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.tenant.TenantId;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link AdminRepository} over a map, for {@link InMemoryStore}. It shares one lock with
 * {@link InMemoryAdminSessionRepository} so that deleting an admin ends its sessions atomically, as
 * the database's ON DELETE CASCADE does.
 */
final class InMemoryAdminRepository implements AdminRepository {

    private final Object lock;
    private final Map<String, Admin> admins = new LinkedHashMap<>();
    /** The admins table's totp_last_step column, by admin id. */
    private final Map<String, Long> totpLastSteps = new HashMap<>();
    private InMemoryAdminSessionRepository sessions;

    InMemoryAdminRepository(Object lock) {
        this.lock = lock;
    }

    /** Set once by the store: the two repositories refer to each other. */
    void cascadeTo(InMemoryAdminSessionRepository sessions) {
        this.sessions = sessions;
    }

    @Override
    public void insert(Admin admin) {
        synchronized (lock) {
            if (admins.containsKey(admin.id()) || usernameTaken(admin)) {
                throw new DuplicateException("admin " + admin.username() + " exists in " + admin.tenantId(), null);
            }
            admins.put(admin.id(), admin);
        }
    }

    @Override
    public Optional<Admin> find(TenantId tenant, String id) {
        synchronized (lock) {
            return Optional.ofNullable(admins.get(id)).filter(a -> a.tenantId().equals(tenant));
        }
    }

    @Override
    public Optional<Admin> findByUsername(TenantId tenant, String username) {
        synchronized (lock) {
            return admins.values().stream()
                    .filter(a -> a.tenantId().equals(tenant) && a.username().equals(username))
                    .findFirst();
        }
    }

    @Override
    public List<Admin> list(TenantId tenant) {
        synchronized (lock) {
            return admins.values().stream()
                    .filter(a -> a.tenantId().equals(tenant))
                    .sorted(Comparator.comparing(Admin::username))
                    .toList();
        }
    }

    @Override
    public boolean update(Admin admin) {
        synchronized (lock) {
            Admin existing = admins.get(admin.id());
            if (existing == null || !existing.tenantId().equals(admin.tenantId())) {
                return false;
            }
            if (usernameTaken(admin)) {
                throw new DuplicateException("admin " + admin.username() + " exists in " + admin.tenantId(), null);
            }
            admins.put(admin.id(), new Admin(admin.id(), admin.tenantId(), admin.username(), admin.role(),
                    admin.capabilities(), admin.passwordHash(), admin.mustChangePassword(), admin.totpSecret(),
                    existing.createdAt(), admin.updatedAt()));
            return true;
        }
    }

    @Override
    public boolean delete(TenantId tenant, String id) {
        synchronized (lock) {
            Admin existing = admins.get(id);
            if (existing == null || !existing.tenantId().equals(tenant)) {
                return false;
            }
            admins.remove(id);
            totpLastSteps.remove(id);
            sessions.deleteForAdmin(tenant, id);
            return true;
        }
    }

    @Override
    public boolean recordTotpStep(TenantId tenant, String id, long step) {
        synchronized (lock) {
            if (!exists(tenant, id)) {
                return false;
            }
            Long last = totpLastSteps.get(id);
            if (last != null && last >= step) {
                return false;
            }
            totpLastSteps.put(id, step);
            return true;
        }
    }

    /** Called with the lock held. */
    boolean exists(TenantId tenant, String id) {
        Admin admin = admins.get(id);
        return admin != null && admin.tenantId().equals(tenant);
    }

    private boolean usernameTaken(Admin admin) {
        return admins.values().stream().anyMatch(a -> a.tenantId().equals(admin.tenantId())
                && a.username().equals(admin.username()) && !a.id().equals(admin.id()));
    }
}
