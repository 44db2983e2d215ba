package dev.tollgate.core.client;

import java.time.Instant;
import java.util.Objects;

/**
 * One of a client's active secrets, as stored: its hash, never its value. During a rotation a
 * client holds two; the older one carries the end of its overlap window in {@code expiresAt}.
 */
public record StoredSecret(String id, SecretHash hash, Instant createdAt, Instant expiresAt) {

    public StoredSecret {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public boolean isActiveAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }

    public StoredSecret expiringAt(Instant when) {
        return new StoredSecret(id, hash, createdAt, when);
    }
}
