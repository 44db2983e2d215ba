package dev.tollgate.server.cli;

import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.server.Administration;
import dev.tollgate.server.TestCa;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.tollgate.server.cli.DataDir.DEFAULT_TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code tenant set --tls-client-ca-bundle}, {@code client create --tls-client-auth / --self-signed-certificate}, {@code client tls}. */
class MutualTlsCommandTest {

    @TempDir
    Path directory;

    private DataDir store;
    private TestCa ca;

    @BeforeEach
    void store() throws Exception {
        store = new DataDir(directory.resolve("data"));
        store.bootstrap();
        ca = TestCa.create(directory);
    }

    @Test
    void tenantSetWhenCaBundleGivenThenStoredAndWhenEmptyThenRemoved() {
        Cli.Run set = store.run("tenant", "set", "--tenant", DEFAULT_TENANT.value(),
                "--tls-client-ca-bundle", ca.caPem().toString());

        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(tenant().settings().clientCas().certificates()).hasSize(1);

        Cli.Run removed = store.run("tenant", "set", "--tenant", DEFAULT_TENANT.value(), "--tls-client-ca-bundle=");

        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(tenant().settings().clientCas().isEmpty()).isTrue();
    }

    @Test
    void tenantSetWhenCaBundleIsAPrivateKeyThenRefusedAndNothingChanged() {
        Cli.Run set = store.run("tenant", "set", "--tenant", DEFAULT_TENANT.value(),
                "--tls-client-ca-bundle", ca.serverKey().toString());

        assertThat(set.exitCode()).isNotZero();
        assertThat(tenant().settings().clientCas().isEmpty()).isTrue();
    }

    @Test
    void clientCreateWhenTlsClientAuthGivenThenCertificateClientWithoutSecret() {
        Cli.Run created = store.run("client", "create", "--name", "orders", "--scopes", "users:read",
                "--tls-client-auth", "subject_dn=CN=orders,O=Example");

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).doesNotContain("client_secret").contains("tls_client_auth_subject_dn=CN=orders,O=Example");
        ClientCredential client = onlyClientNamed("orders");
        assertThat(client.tokenEndpointAuthMethod()).isEqualTo(ClientAuthMethod.TLS_CLIENT_AUTH);
        assertThat(client.secrets()).isEmpty();
        assertThat(client.certificateBoundTokens()).isTrue();
    }

    @Test
    void clientCreateWhenSelfSignedCertificateGivenThenItsKeyRegistered() {
        Cli.Run created = store.run("client", "create", "--name", "self", "--self-signed-certificate",
                ca.serverPem().toString());

        assertThat(created.exitCode()).as(created.err()).isZero();
        ClientCredential client = onlyClientNamed("self");
        assertThat(client.tokenEndpointAuthMethod()).isEqualTo(ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH);
        assertThat(client.keys().inlineKeys()).hasSize(1);
    }

    @Test
    void clientTlsWhenBoundTokensSetOnSecretClientThenBoundAndSubjectRefused() {
        Cli.Run created = store.run("client", "create", "--name", "billing", "--scopes", "users:read");
        String id = created.out().lines().filter(l -> l.startsWith("client_id:")).findFirst().orElseThrow()
                .substring("client_id:".length()).strip();

        Cli.Run bound = store.run("client", "tls", "--client-id", id, "--bound-tokens", "true");
        Cli.Run subject = store.run("client", "tls", "--client-id", id, "--tls-client-auth", "san_dns=billing.example");

        assertThat(bound.exitCode()).as(bound.err()).isZero();
        assertThat(subject.exitCode()).isNotZero();
        assertThat(onlyClientNamed("billing").tls()).isEqualTo(new ClientTls(null, null, true));
    }

    private Tenant tenant() {
        return store.with(app -> app.store().tenants().find(DEFAULT_TENANT).orElseThrow());
    }

    private ClientCredential onlyClientNamed(String name) {
        List<ClientCredential> named = store.with(app -> Administration.of(app).clients.list(DEFAULT_TENANT)).stream()
                .filter(c -> c.name().equals(name)).toList();
        assertThat(named).hasSize(1);
        return named.get(0);
    }
}
