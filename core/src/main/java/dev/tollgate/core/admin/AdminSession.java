package dev.tollgate.core.admin;

import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;
import java.util.Objects;

/**
 * A logged-in console session as stored. The store keeps a SHA-256 of the session id, never the id
 * itself, so a copy of the database opens no session.
 *
 * @param idHash     base64url SHA-256 of the cookie's session id
 * @param csrfToken  the token every state-changing request of this session must carry
 * @param lastSeenAt for the idle timeout; {@code createdAt} bounds the absolute one
 */
public record AdminSession(String idHash, TenantId tenantId, String adminId, String csrfToken, String address,
                           Instant createdAt, Instant lastSeenAt) {

    public AdminSession {
        Objects.requireNonNull(idHash, "idHash");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(adminId, "adminId");
        Objects.requireNonNull(csrfToken, "csrfToken");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    }
}
