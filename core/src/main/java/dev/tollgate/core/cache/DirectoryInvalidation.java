package dev.tollgate.core.cache;

import dev.tollgate.core.admin.ChangeListener;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.tenant.TenantId;

/**
 * Drops what the token path cached as soon as an administrative change commits, in this process
 * or, where the store pushes them, in another.
 */
public final class DirectoryInvalidation implements ChangeListener {

    private final Directory directory;
    private final Revocations revocations;

    /** For this process's own changes, whose revocations apply in memory already. */
    public DirectoryInvalidation(Directory directory) {
        this(directory, null);
    }

    /** @param revocations reloaded when another process revoked tokens */
    public DirectoryInvalidation(Directory directory, Revocations revocations) {
        this.directory = directory;
        this.revocations = revocations;
    }

    @Override
    public void tenantChanged(TenantId tenant) {
        directory.invalidateTenant(tenant);
    }

    @Override
    public void clientChanged(TenantId tenant, ClientId client) {
        directory.invalidateClient(tenant, client);
    }

    @Override
    public void keysChanged(TenantId tenant) {
        directory.invalidateKeys(tenant);
    }

    @Override
    public void revocationsChanged() {
        if (revocations != null) {
            revocations.refresh();
        }
    }

    @Override
    public void everythingChanged() {
        directory.invalidateAll();
        revocationsChanged();
    }
}
