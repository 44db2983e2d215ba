package dev.tollgate.server;

import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.server.cli.Cli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;


import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's {@code token} and {@code token verify} against a running server, for every signing algorithm. */
class TokenCommandTest {

    private static TestServer server;

    @BeforeAll
    static void startServer() {
        server = TestServer.embedded();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void tokenVerifyWhenTokenFromTheTokenCommandThenAcceptsIt(SigningAlgorithm algorithm) {
        TenantId tenant = TenantId.of("3000" + algorithm.ordinal());
        ProvisionedTenant created = Administration.of(server.app()).tenants.create(tenant, "CLI " + algorithm,
                TenantSettings.DEFAULTS.withSigningAlgorithm(algorithm));
        ClientWithSecret client = created.clients().stream()
                .filter(c -> c.client().builtin() == BuiltinClient.DEFAULT).findFirst().orElseThrow();

        Cli.Run token = Cli.run("token", "--server", server.baseUrl(), "--tenant", tenant.value(),
                "--client-id", client.client().clientId().value(), "--client-secret", client.secret().reveal());
        assertThat(token.exitCode()).as(token.err()).isZero();
        String accessToken = token.out().strip();
        assertThat(accessToken).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");

        Cli.Run verify = Cli.run("token", "verify", "--server", server.baseUrl(), "--tenant", tenant.value(), accessToken);

        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains(client.client().clientId().value())
                .contains(server.baseUrl() + "/t/" + tenant.value());
    }

    @Test
    void tokenVerifyWhenTamperedSignatureThenExitsOne() {
        ClientWithSecret client = server.defaultClient();
        String accessToken = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(client), null);
        String[] parts = accessToken.split("\\.");
        char last = parts[2].charAt(0);
        String tampered = parts[0] + "." + parts[1] + "." + (last == 'A' ? 'B' : 'A') + parts[2].substring(1);

        Cli.Run verify = Cli.run("token", "verify", "--server", server.baseUrl(), tampered);

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).startsWith("invalid token:");
    }

    @Test
    void tokenVerifyWhenTokenOfAnotherTenantThenExitsOne() {
        TenantId other = TenantId.of("30099");
        Administration.of(server.app()).tenants.create(other, "Other", TenantSettings.DEFAULTS);
        String accessToken = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()),
                null);

        Cli.Run verify = Cli.run("token", "verify", "--server", server.baseUrl(), "--tenant", other.value(), accessToken);

        assertThat(verify.exitCode()).isEqualTo(1);
    }

    @Test
    void tokenCommandWhenAWrongSecretThenExitsOneWithTheOAuthError() {
        Cli.Run token = Cli.run("token", "--server", server.baseUrl(),
                "--client-id", server.defaultClient().client().clientId().value(), "--client-secret", "wrong");

        assertThat(token.exitCode()).isEqualTo(1);
        assertThat(token.err()).startsWith("error: invalid_client");
        assertThat(token.out()).isEmpty();
    }
}
