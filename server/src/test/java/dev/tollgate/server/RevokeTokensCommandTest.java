package dev.tollgate.server;

import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.server.cli.Cli;
import dev.tollgate.store.JdbcStore;
import dev.tollgate.store.TestKek;
import dev.tollgate.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code tollgate client revoke-tokens} records a client-wide cutoff in the store a server reloads. */
class RevokeTokensCommandTest {

    @TempDir
    Path dataDir;

    @Test
    void revokeTokensWhenRunThenTheStoreHoldsACutoffForThatClientOnly() {
        ClientWithSecret client;
        try (Tollgate app = open()) {
            client = app.bootstrap(TENANT).orElseThrow().clients().get(0);
        }
        Instant before = Instant.now();

        int exit = Cli.run("client", "revoke-tokens", "--data-dir", dataDir.toString(), "--tenant", TENANT.value(),
                "--client-id", client.client().clientId().value()).exitCode();

        assertThat(exit).isZero();
        try (Tollgate app = open()) {
            List<ClientTokenCutoff> cutoffs = app.store().revocations().listCutoffs(before);
            assertThat(cutoffs).extracting(ClientTokenCutoff::client).containsExactly(client.client().clientId());
            assertThat(cutoffs.get(0).notBefore()).isAfter(before);
        }
    }

    @Test
    void revokeTokensWhenUnknownClientThenFailsAndStoresNothing() {
        try (Tollgate app = open()) {
            app.bootstrap(TENANT);
        }

        int exit = Cli.run("client", "revoke-tokens", "--data-dir", dataDir.toString(), "--tenant", TENANT.value(),
                "--client-id", new ClientId("no-such-client").value()).exitCode();

        assertThat(exit).isNotZero();
        try (Tollgate app = open()) {
            assertThat(app.store().revocations().listCutoffs(Instant.EPOCH)).isEmpty();
        }
    }

    private Tollgate open() {
        return new Tollgate(JdbcStore.open(StoreConfig.embedded(dataDir), TestKek.defaultFile(StoreConfig.embedded(dataDir))), Clock.systemUTC(), Tollgate.issuersFor(null));
    }
}
