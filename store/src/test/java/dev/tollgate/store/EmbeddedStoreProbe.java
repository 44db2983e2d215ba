package dev.tollgate.store;

import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Run in a second JVM by {@link EmbeddedStoreTest}: opens the embedded store in {@code args[0]},
 * adds tenant {@code args[1]}, and prints the ids of all tenants it sees, one per line.
 */
public final class EmbeddedStoreProbe {

    private EmbeddedStoreProbe() {
    }

    public static void main(String[] args) {
        try (JdbcStore store = JdbcStore.open(StoreConfig.embedded(Path.of(args[0])), TestKek.defaultFile(StoreConfig.embedded(Path.of(args[0]))))) {
            store.tenants().insert(new Tenant(TenantId.of(args[1]), null, TenantSettings.DEFAULTS, Instant.now()));
            store.tenants().list().forEach(t -> System.out.println(t.id()));
        }
    }
}
