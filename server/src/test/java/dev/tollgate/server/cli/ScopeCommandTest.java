package dev.tollgate.server.cli;

import dev.tollgate.server.Administration;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static dev.tollgate.server.cli.DataDir.DEFAULT_TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code scope create} and {@code scope delete}, with the rules the admin API keeps. */
class ScopeCommandTest {

    @TempDir
    Path directory;

    private DataDir store;

    @BeforeEach
    void tenant() {
        store = new DataDir(directory.resolve("data"));
        store.bootstrap();
        Cli.Run created = store.run("scope", "create", "--name", "orders:read", "--description", "Read orders");
        assertThat(created.exitCode()).as(created.err()).isZero();
    }

    @Test
    void scopeDeleteWhenNoClientHoldsTheScopeThenRemovedAndAuditedAsTheCli() {
        Cli.Run delete = store.run("scope", "delete", "--name", "orders:read");

        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(delete.out()).isEqualTo("deleted scope orders:read" + System.lineSeparator());
        assertThat(scope("orders:read")).isEmpty();
        AuditEvent event = store.audit(DEFAULT_TENANT).get(0);
        assertThat(event.action()).isEqualTo("scope.delete");
        assertThat(event.actorId()).isEqualTo("cli");
        assertThat(event.target()).isEqualTo("orders:read");
    }

    @Test
    void scopeDeleteWhenAClientIsAllowedItThenRefusedNamingTheClient() {
        Cli.Run created = store.run("client", "create", "--name", "reporting", "--scopes", "orders:read");
        assertThat(created.exitCode()).as(created.err()).isZero();
        ClientCredential reporting = store.with(app -> Administration.of(app).clients.list(DEFAULT_TENANT)).stream()
                .filter(c -> c.name().equals("reporting")).findFirst().orElseThrow();

        Cli.Run delete = store.run("scope", "delete", "--name", "orders:read");

        assertThat(delete.exitCode()).isEqualTo(1);
        assertThat(delete.error()).startsWith("error: scope orders:read is still allowed for 1 client(s);"
                        + " remove it from them first (reporting " + reporting.clientId() + ";")
                .contains("./tollgate client update --client-id ID --scopes");
        assertThat(scope("orders:read")).isPresent();
    }

    @Test
    void scopeDeleteWhenBuiltInThenRefusedSayingSo() {
        Cli.Run delete = store.run("scope", "delete", "--name", "users:read");

        assertThat(delete.exitCode()).isEqualTo(1);
        assertThat(delete.error()).isEqualTo("error: scope users:read is built in and cannot be deleted");
        assertThat(scope("users:read")).isPresent();
    }

    @Test
    void scopeDeleteWhenUnknownThenRefusedNamingIt() {
        Cli.Run delete = store.run("scope", "delete", "--name", "nope:read");

        assertThat(delete.exitCode()).isEqualTo(1);
        assertThat(delete.error()).contains("no scope nope:read in tenant 10001");
    }

    private Optional<ScopeDefinition> scope(String name) {
        return store.with(app -> app.store().scopes().find(DEFAULT_TENANT, new ScopeName(name)));
    }
}
