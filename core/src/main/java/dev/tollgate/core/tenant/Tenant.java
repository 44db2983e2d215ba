package dev.tollgate.core.tenant;

import java.time.Instant;
import java.util.Objects;

/** An isolated space with its own keys, scopes and clients. Nothing crosses tenants. */
public record Tenant(TenantId id, String name, TenantSettings settings, Instant createdAt) {

    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(createdAt, "createdAt");
        if (name == null || name.isBlank()) {
            name = id.value();
        }
    }

    public Tenant withSettings(TenantSettings newSettings) {
        return new Tenant(id, name, newSettings, createdAt);
    }
}
