package dev.tollgate.server.cli;

import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.TestCa;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.Tollgate;
import dev.tollgate.server.TollgateServer;
import dev.tollgate.server.config.TlsConfig;
import dev.tollgate.store.StoreConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code token} and {@code token verify} against servers over loopback: what they print when all
 * is well, and when the server cannot be reached, is not Tollgate, or serves https with a private CA.
 * (dev.tollgate.server.TokenCommandTest checks every signing algorithm.)
 */
class TokenCommandTest {

    @TempDir
    static Path dir;

    private static TestServer http;
    private static TestCa ca;
    private static Tollgate httpsApp;
    private static TollgateServer https;
    private static ClientWithSecret httpsClient;

    @BeforeAll
    static void servers() throws Exception {
        http = TestServer.embedded();
        ca = TestCa.create(dir);
        ServerConfig config = ServerConfig.builder().port(0).managementPort(0)
                .store(StoreConfig.embedded(dir.resolve("https-data"))).defaultTenant(DataDir.DEFAULT_TENANT)
                .tls(new TlsConfig(ca.serverPem(), ca.serverKey(), null, new char[0], 0, Duration.ZERO))
                .build();
        httpsApp = Tollgate.open(config, Clock.systemUTC());
        httpsClient = httpsApp.bootstrap(DataDir.DEFAULT_TENANT).orElseThrow().clients().stream()
                .filter(c -> c.client().builtin() == BuiltinClient.DEFAULT).findFirst().orElseThrow();
        https = TollgateServer.start(httpsApp, config);
    }

    @AfterAll
    static void stop() {
        if (https != null) {
            https.close();
        }
        if (httpsApp != null) {
            httpsApp.close();
        }
        if (http != null) {
            http.close();
        }
    }

    @Test
    void tokenVerifyWhenAGoodTokenThenPrintsValidThenItsClaims() {
        String token = token(http.baseUrl(), http.defaultClient());

        Cli.Run verify = Cli.run("token", "verify", "--server", http.baseUrl(), token);

        assertThat(verify.exitCode()).as(verify.err()).isZero();
        List<String> lines = verify.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("valid");
        assertThat(lines.get(1)).startsWith("{").contains("\"client_id\":\"" + http.defaultClient().client().clientId() + "\"");
    }

    @Test
    void tokenWhenTheServerCannotBeReachedThenTheErrorNamesTheUrl() throws IOException {
        String closed = "http://127.0.0.1:" + closedPort();

        Cli.Run token = Cli.run("token", "--server", closed, "--client-id", "someone", "--client-secret", "secret");

        assertThat(token.exitCode()).isEqualTo(1);
        assertThat(token.error()).isEqualTo("error: cannot reach " + closed + "/t/10001/oauth2/token: connection refused");
        assertThat(token.out()).isEmpty();
    }

    @Test
    void tokenVerifyWhenTheServerCannotBeReachedThenTheErrorNamesTheJwksUrl() throws IOException {
        String closed = "http://127.0.0.1:" + closedPort();

        Cli.Run verify = Cli.run("token", "verify", "--server", closed, "--tenant", "20002", "eyJ.eyJ.sig");

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.error()).isEqualTo("error: cannot reach " + closed + "/t/20002/oauth2/jwks: connection refused");
    }

    @Test
    void tokenWhenTheUrlAnswersWithoutOAuthThenTheErrorNamesTheUrlAndTheStatus() {
        // The management port serves metrics and health, and 404 for the rest.
        String management = "http://127.0.0.1:" + http.managementPort();

        Cli.Run token = Cli.run("token", "--server", management, "--client-id", "someone", "--client-secret", "secret");

        assertThat(token.exitCode()).isEqualTo(1);
        assertThat(token.error()).startsWith("error: " + management + "/t/10001/oauth2/token answered HTTP 404");
    }

    @Test
    void tokenAndTokenVerifyWhenOverHttpsWithCacertThenTrustThatCa() {
        String base = https.baseUrl();
        assertThat(base).startsWith("https://127.0.0.1:");

        Cli.Run token = Cli.run("token", "--server", base, "--cacert", ca.caPem().toString(),
                "--client-id", httpsClient.client().clientId().value(),
                "--client-secret", httpsClient.secret().reveal(), "--scopes", "users:read");
        assertThat(token.exitCode()).as(token.err()).isZero();
        Cli.Run verify = Cli.run("token", "verify", "--server", base, "--cacert", ca.caPem().toString(),
                token.out().strip());

        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("valid").contains("\"scope\":\"users:read\"");
    }

    @Test
    void tokenWhenOverHttpsWithoutCacertThenTheErrorSaysTheCertificateIsNotTrustedAndWhatToDo() {
        String base = https.baseUrl();

        Cli.Run token = Cli.run("token", "--server", base, "--client-id", httpsClient.client().clientId().value(),
                "--client-secret", httpsClient.secret().reveal());
        Cli.Run verify = Cli.run("token", "verify", "--server", base, "eyJ.eyJ.sig");

        assertThat(token.exitCode()).isEqualTo(1);
        assertThat(token.error()).isEqualTo("error: cannot reach " + base + "/t/10001/oauth2/token: its TLS certificate"
                + " is not trusted (give the CA that issued it with --cacert FILE)");
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.error()).startsWith("error: cannot reach " + base + "/t/10001/oauth2/jwks: its TLS certificate"
                + " is not trusted");
    }

    private static String token(String server, ClientWithSecret client) {
        Cli.Run token = Cli.run("token", "--server", server, "--client-id", client.client().clientId().value(),
                "--client-secret", client.secret().reveal());
        assertThat(token.exitCode()).as(token.err()).isZero();
        return token.out().strip();
    }

    /** A loopback port nothing listens on: bound a moment ago, then closed. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
