package dev.tollgate.server.cli;

import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.Tollgate;
import dev.tollgate.store.JdbcStore;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

/** A command that works on the store directly: the same store a running server uses. */
abstract class StoreCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    /** The configuration this run read: file, environment and the store flags. */
    ServerConfig config;

    @Override
    public final Integer call() {
        check();
        config = store.load().server();
        try (Tollgate app = new Tollgate(JdbcStore.open(config.store(), config.keyEncryptionKeySource()), Clock.systemUTC(),
                Tollgate.issuersFor(null))) {
            run(app, spec.commandLine().getOut());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** Refuses what the options alone show to be wrong, before the store is opened. */
    void check() {
    }

    abstract void run(Tollgate app, PrintWriter out);

    /** A command on one tenant's objects: {@code --tenant}, or the configured default tenant. */
    abstract static class InTenant extends StoreCommand {

        @Mixin
        TenantOption tenantOption;

        TenantId tenant() {
            return tenantOption.orElse(() -> config.defaultTenant());
        }
    }
}
