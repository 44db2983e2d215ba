package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;

/**
 * Told of every change an administrative operation commits, so caches drop what they hold at once;
 * on PostgreSQL also of the changes other processes commit (see {@code Store#listenForChanges}).
 */
public interface ChangeListener {

    ChangeListener NONE = new ChangeListener() {
    };

    default void tenantChanged(TenantId tenant) {
    }

    default void clientChanged(TenantId tenant, ClientId client) {
    }

    default void keysChanged(TenantId tenant) {
    }

    /** Another process revoked tokens (this process's own revocations apply in memory at once). */
    default void revocationsChanged() {
    }

    /** Changes may have been missed (a reconnection): drop everything cached. */
    default void everythingChanged() {
    }
}
