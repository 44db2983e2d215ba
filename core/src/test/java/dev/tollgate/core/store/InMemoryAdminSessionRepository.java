package dev.tollgate.core.store;

import dev.tollgate.core.admin.AdminSession;
import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@link AdminSessionRepository} over a map, for {@link InMemoryStore}; locked with the admins. */
final class InMemoryAdminSessionRepository implements AdminSessionRepository {

    private final Object lock;
    private final InMemoryAdminRepository admins;
    private final Map<String, AdminSession> sessions = new LinkedHashMap<>();

    InMemoryAdminSessionRepository(Object lock, InMemoryAdminRepository admins) {
        this.lock = lock;
        this.admins = admins;
    }

    @Override
    public void insert(AdminSession session) {
        synchronized (lock) {
            if (sessions.containsKey(session.idHash())) {
                throw new DuplicateException("admin session exists", null);
            }
            // The database's foreign key refuses a session of no admin; so does this, so a policy
            // test can't pass here and fail on a real store.
            if (!admins.exists(session.tenantId(), session.adminId())) {
                throw new StoreException("no admin " + session.adminId() + " in " + session.tenantId());
            }
            sessions.put(session.idHash(), session);
        }
    }

    @Override
    public Optional<AdminSession> find(String idHash) {
        synchronized (lock) {
            return Optional.ofNullable(sessions.get(idHash));
        }
    }

    @Override
    public boolean touch(String idHash, Instant lastSeenAt) {
        synchronized (lock) {
            AdminSession s = sessions.get(idHash);
            if (s == null) {
                return false;
            }
            sessions.put(idHash, new AdminSession(s.idHash(), s.tenantId(), s.adminId(), s.csrfToken(), s.address(),
                    s.createdAt(), lastSeenAt));
            return true;
        }
    }

    @Override
    public boolean delete(String idHash) {
        synchronized (lock) {
            return sessions.remove(idHash) != null;
        }
    }

    @Override
    public int deleteForAdmin(TenantId tenant, String adminId) {
        synchronized (lock) {
            int before = sessions.size();
            sessions.values().removeIf(s -> s.tenantId().equals(tenant) && s.adminId().equals(adminId));
            return before - sessions.size();
        }
    }

    @Override
    public int deleteExpired(Instant idleBefore, Instant createdBefore) {
        synchronized (lock) {
            int before = sessions.size();
            sessions.values().removeIf(s -> s.lastSeenAt().isBefore(idleBefore) || s.createdAt().isBefore(createdBefore));
            return before - sessions.size();
        }
    }
}
