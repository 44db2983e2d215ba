package dev.tollgate.server.cli;

import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.federation.FederatedIdentity;
import dev.tollgate.server.Administration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.tollgate.server.cli.DataDir.DEFAULT_TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code federation add-issuer|issuers|remove-issuer|bind|show} and {@code client create --auth federated_jwt}. */
class FederationCommandTest {

    private static final String K8S = "https://kubernetes.default.svc.cluster.local";

    @TempDir
    Path directory;

    private DataDir store;

    @BeforeEach
    void bootstrap() {
        store = new DataDir(directory.resolve("data"));
        store.bootstrap();
    }

    @Test
    void clientCreateWhenFederatedJwtWithATrustedIssuerThenNoSecretAndTheBindingStored() {
        Cli.Run added = store.run("federation", "add-issuer", "--issuer", K8S, "--algorithms", "RS256");
        assertThat(added.exitCode()).as(added.err()).isZero();

        Cli.Run created = store.run("client", "create", "--name", "billing", "--scopes", "users:read",
                "--auth", "federated_jwt", "--issuer", K8S, "--subject", "system:serviceaccount:prod:billing",
                "--claim", "kubernetes.io/namespace=prod");

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).doesNotContain("client_secret").contains("system:serviceaccount:prod:billing");
        ClientCredential client = onlyClientNamed("billing");
        assertThat(client.authMethods()).containsExactly(ClientAuthMethod.FEDERATED_JWT);
        assertThat(client.secrets()).isEmpty();
        FederatedIdentity identity = store.with(app -> app.store().federation().identity(DEFAULT_TENANT,
                client.clientId())).orElseThrow();
        assertThat(identity.claims()).isEqualTo(Map.of("kubernetes.io/namespace", "prod"));
        assertThat(store.run("federation", "issuers").out()).contains(K8S).contains("RS256");
    }

    @Test
    void clientCreateWhenTheIssuerIsNotTrustedThenRefusedAndNoClientMade() {
        Cli.Run refused = store.run("client", "create", "--name", "stray", "--auth", "federated_jwt",
                "--issuer", K8S, "--subject", "system:serviceaccount:prod:stray");

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("trusts no issuer");
        assertThat(clientsNamed("stray")).isEmpty();
    }

    @Test
    void removeIssuerWhenAClientIsBoundThenRefusedAndAfterDeletingTheClientRemoved() {
        store.run("federation", "add-issuer", "--issuer", K8S);
        store.run("client", "create", "--name", "bound", "--auth", "federated_jwt", "--issuer", K8S,
                "--subject", "system:serviceaccount:prod:bound");

        Cli.Run refused = store.run("federation", "remove-issuer", "--issuer", K8S);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("bound");

        store.run("client", "delete", "--client-id", onlyClientNamed("bound").clientId().value());
        assertThat(store.run("federation", "remove-issuer", "--issuer", K8S).exitCode()).isZero();
        assertThat(store.run("federation", "issuers").out()).doesNotContain(K8S);
    }

    @Test
    void addIssuerWhenHs256ThenRefused() {
        Cli.Run refused = store.run("federation", "add-issuer", "--issuer", K8S, "--algorithms", "HS256");

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("HS256");
    }

    private List<ClientCredential> clientsNamed(String name) {
        return store.with(app -> Administration.of(app).clients.list(DEFAULT_TENANT)).stream()
                .filter(c -> c.name().equals(name)).toList();
    }

    private ClientCredential onlyClientNamed(String name) {
        List<ClientCredential> named = clientsNamed(name);
        assertThat(named).hasSize(1);
        return named.get(0);
    }
}
