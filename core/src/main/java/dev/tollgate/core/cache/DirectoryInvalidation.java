package dev.tollgate.core.cache;

import dev.tollgate.core.admin.ChangeListener;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;

/** Drops what the token path cached as soon as an administrative change commits in this process. */
public final class DirectoryInvalidation implements ChangeListener {

    private final Directory directory;

    public DirectoryInvalidation(Directory directory) {
        this.directory = directory;
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
}
