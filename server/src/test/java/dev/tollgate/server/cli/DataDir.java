package dev.tollgate.server.cli;

import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.Tollgate;
import dev.tollgate.store.JdbcStore;
import dev.tollgate.store.TestKek;
import dev.tollgate.store.StoreConfig;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * An embedded store in a test's temporary directory, which the test and the commands open in turn,
 * as an operator's commands and a server share one: {@link #run} adds {@code --data-dir}.
 */
final class DataDir {

    static final TenantId DEFAULT_TENANT = TenantId.of("10001");

    private final Path directory;

    DataDir(Path directory) {
        this.directory = directory;
    }

    /** What {@code serve} does at its first start: tenant 10001 and its two credentials. */
    ProvisionedTenant bootstrap() {
        return with(app -> app.bootstrap(DEFAULT_TENANT).orElseThrow());
    }

    /** Opens the store, hands it to {@code work}, and closes it again before the next command. */
    <T> T with(Function<Tollgate, T> work) {
        try (Tollgate app = new Tollgate(JdbcStore.open(StoreConfig.embedded(directory), TestKek.defaultFile(StoreConfig.embedded(directory))), Clock.systemUTC(),
                Tollgate.issuersFor(null))) {
            return work.apply(app);
        }
    }

    /** The tenant's audit log, newest first. */
    List<AuditEvent> audit(TenantId tenant) {
        return with(app -> app.store().audit().query(tenant, AuditRepository.Filter.ALL, 0, 100));
    }

    Cli.Run run(String... command) {
        return Cli.run(Stream.concat(Stream.of(command), Stream.of("--data-dir", directory.toString()))
                .toArray(String[]::new));
    }
}
