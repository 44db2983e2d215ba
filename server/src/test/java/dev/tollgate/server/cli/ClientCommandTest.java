package dev.tollgate.server.cli;

import dev.tollgate.server.Administration;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.scope.ScopeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.tollgate.server.cli.DataDir.DEFAULT_TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code client create} and {@code client update}, on the store a server would use. */
class ClientCommandTest {

    @TempDir
    Path directory;

    private DataDir store;
    private ClientId billing;

    @BeforeEach
    void billingClient() {
        store = new DataDir(directory.resolve("data"));
        store.bootstrap();
        store.run("scope", "create", "--name", "orders:read");
        store.run("scope", "create", "--name", "orders:write");
        Cli.Run created = store.run("client", "create", "--name", "billing", "--scopes", "users:read");
        assertThat(created.exitCode()).as(created.err()).isZero();
        billing = new ClientId(created.out().lines().filter(l -> l.startsWith("client_id:")).findFirst()
                .orElseThrow().substring("client_id:".length()).strip());
    }

    @Test
    void clientCreateWhenListsCommaSeparatedRepeatedOrBothThenTakesThem() {
        Cli.Run created = store.run("client", "create", "--name", "reporting",
                "--scopes", "users:read,orders:read", "--scope", "orders:write",
                "--audiences", "https://a.example", "--audience", "https://b.example,https://c.example",
                "--authorities", "ROLE_A,ROLE_B");

        assertThat(created.exitCode()).as(created.err()).isZero();
        ClientCredential client = onlyClientNamed("reporting");
        assertThat(client.allowedScopes()).isEqualTo(ScopeSet.of("users:read", "orders:read", "orders:write"));
        assertThat(client.audiences()).containsExactly("https://a.example", "https://b.example", "https://c.example");
        assertThat(client.authorities()).containsExactly("ROLE_A", "ROLE_B");
    }

    @Test
    void clientUpdateWhenRunThenScopesAudiencesLifetimeAndNameChangedAndAuditedAsTheCli() {
        Cli.Run update = store.run("client", "update", "--client-id", billing.value(), "--name", "billing-v2",
                "--scopes", "users:read,orders:read", "--audiences", "https://billing.example", "--ttl", "600");

        assertThat(update.exitCode()).as(update.err()).isZero();
        assertThat(update.out()).contains("name:           billing-v2").contains("token ttl:      600 s");
        ClientCredential client = client();
        assertThat(client.name()).isEqualTo("billing-v2");
        assertThat(client.allowedScopes()).isEqualTo(ScopeSet.of("users:read", "orders:read"));
        // Its defaults were all its scopes, and still are.
        assertThat(client.defaultScopes()).isEqualTo(client.allowedScopes());
        assertThat(client.audiences()).containsExactly("https://billing.example");
        assertThat(client.tokenTtl()).isEqualTo(Duration.ofSeconds(600));
        AuditEvent event = store.audit(DEFAULT_TENANT).get(0);
        assertThat(event.action()).isEqualTo("client.update");
        assertThat(event.actorId()).isEqualTo("cli");
        assertThat(event.clientId()).isEqualTo(billing.value());
    }

    @Test
    void clientUpdateWhenSomeOptionsGivenThenLeavesWhatIsNotGivenAndEmptiesAListGivenEmpty() {
        store.run("client", "update", "--client-id", billing.value(), "--audiences", "https://billing.example");

        Cli.Run update = store.run("client", "update", "--client-id", billing.value(), "--audiences=");

        assertThat(update.exitCode()).as(update.err()).isZero();
        ClientCredential client = client();
        assertThat(client.audiences()).isEmpty();
        assertThat(client.name()).isEqualTo("billing");
        assertThat(client.allowedScopes()).isEqualTo(ScopeSet.of("users:read"));
    }

    @Test
    void clientUpdateWhenDpopBoundGivenThenTheClientRequiresDpopAndShowSaysSo() {
        Cli.Run update = store.run("client", "update", "--client-id", billing.value(), "--dpop-bound", "true");

        assertThat(update.exitCode()).as(update.err()).isZero();
        assertThat(update.out()).contains("dpop:           required");
        assertThat(client().dpopBound()).isTrue();
        assertThat(store.run("client", "update", "--client-id", billing.value(), "--dpop-bound", "false").exitCode())
                .isZero();
        assertThat(client().dpopBound()).isFalse();
    }

    @Test
    void clientUpdateWhenScopeUnknownThenRefusedNamingIt() {
        Cli.Run update = store.run("client", "update", "--client-id", billing.value(), "--scopes", "users:read,nope:read");

        assertThat(update.exitCode()).isEqualTo(1);
        assertThat(update.error()).isEqualTo("error: allowed scopes include nope:read, which the tenant does not define");
        assertThat(client().allowedScopes()).isEqualTo(ScopeSet.of("users:read"));
    }

    @Test
    void clientUpdateWhenNothingToChangeThenRefusedSayingWhatItTakes() {
        Cli.Run update = store.run("client", "update", "--client-id", billing.value());

        assertThat(update.exitCode()).isEqualTo(2);
        assertThat(update.error()).startsWith("nothing to change: give --name, --scopes, --audiences, --authorities,"
                + " --ttl, --introspection or --dpop-bound");
    }

    @Test
    void clientUpdateWhenClientUnknownThenRefusedNamingIt() {
        Cli.Run update = store.run("client", "update", "--client-id", "no-such-client", "--name", "x");

        assertThat(update.exitCode()).isEqualTo(1);
        assertThat(update.error()).contains("no client no-such-client in tenant 10001");
    }

    @Test
    void clientCreateWhenIntrospectionTrueThenPermittedAndUpdateWithdrawsItWhileWithoutTheOptionNot() {
        Cli.Run created = store.run("client", "create", "--name", "orders-api", "--introspection", "true");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("introspection:  allowed");
        ClientCredential api = onlyClientNamed("orders-api");
        assertThat(api.introspection()).isTrue();
        assertThat(client().introspection()).isFalse();

        Cli.Run renamed = store.run("client", "update", "--client-id", api.clientId().value(), "--name", "orders");
        assertThat(onlyClientNamed("orders").introspection()).isTrue();
        Cli.Run withdrawn = store.run("client", "update", "--client-id", api.clientId().value(),
                "--introspection", "false");

        assertThat(renamed.exitCode()).as(renamed.err()).isZero();
        assertThat(withdrawn.exitCode()).as(withdrawn.err()).isZero();
        assertThat(onlyClientNamed("orders").introspection()).isFalse();
    }

    private ClientCredential client() {
        return store.with(app -> Administration.of(app).clients.get(DEFAULT_TENANT, billing));
    }

    private ClientCredential onlyClientNamed(String name) {
        List<ClientCredential> named = store.with(app -> Administration.of(app).clients.list(DEFAULT_TENANT)).stream()
                .filter(c -> c.name().equals(name)).toList();
        assertThat(named).hasSize(1);
        return named.get(0);
    }
}
