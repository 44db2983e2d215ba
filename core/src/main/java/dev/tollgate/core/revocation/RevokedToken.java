package dev.tollgate.core.revocation;

import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;
import java.util.Objects;

/**
 * One access token revoked by its {@code jti} (RFC 7009). Kept only until {@code expiresAt}, the
 * token's own {@code exp}: after that the token is refused for having expired, so the entry adds nothing.
 */
public record RevokedToken(TenantId tenant, ClientId client, String jti, Instant expiresAt) {

    /** Our jtis are UUIDs; anything longer is not one of ours. */
    public static final int MAX_JTI_LENGTH = 128;

    public RevokedToken {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
            throw new IllegalArgumentException("jti must be 1 to " + MAX_JTI_LENGTH + " characters");
        }
    }
}
