package dev.tollgate.server.cli;

import dev.tollgate.core.tenant.TenantId;
import picocli.CommandLine.Option;

import java.util.function.Supplier;

/**
 * {@code --tenant ID} of a command that works in one tenant. Without it, the default tenant of the
 * configuration (key {@code default-tenant}): the one {@code serve} creates and serves at the routes
 * that name none, so a single-tenant install never needs the flag.
 */
final class TenantOption {

    static final String DESCRIPTION =
            "Tenant id (default: the default tenant: key default-tenant, env TOLLGATE_DEFAULT_TENANT, 10001).";

    @Option(names = "--tenant", paramLabel = "ID", description = DESCRIPTION)
    String id;

    /** The tenant given, else {@code defaultTenant}, which is only asked for then. */
    TenantId orElse(Supplier<TenantId> defaultTenant) {
        return id == null ? defaultTenant.get() : TenantId.of(id);
    }
}
