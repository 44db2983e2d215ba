package dev.tollgate.core.store;

import dev.tollgate.core.admin.AdminSession;
import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;
import java.util.Optional;

/** Console sessions, found by the hash of their id. */
public interface AdminSessionRepository {

    /** @throws DuplicateException when the id hash exists */
    void insert(AdminSession session);

    Optional<AdminSession> find(String idHash);

    /** Records activity for the idle timeout. @return false when no such session */
    boolean touch(String idHash, Instant lastSeenAt);

    boolean delete(String idHash);

    /** Ends every session of one admin (password change, deletion). @return how many ended */
    int deleteForAdmin(TenantId tenant, String adminId);

    /** Removes sessions idle since before {@code idleBefore} or created before {@code createdBefore}. */
    int deleteExpired(Instant idleBefore, Instant createdBefore);
}
