package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;

/** Told of every change an administrative operation commits, so caches drop what they hold at once. */
public interface ChangeListener {

    ChangeListener NONE = new ChangeListener() {
    };

    default void tenantChanged(TenantId tenant) {
    }

    default void clientChanged(TenantId tenant, ClientId client) {
    }

    default void keysChanged(TenantId tenant) {
    }
}
