package dev.tollgate.server;

import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.admin.Capability;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static dev.tollgate.server.RequestSmugglingTest.exchange;
import static dev.tollgate.server.RequestSmugglingTest.plainSocket;
import static dev.tollgate.server.RequestSmugglingTest.post;
import static dev.tollgate.server.RequestSmugglingTest.statusLines;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The smuggling of issue 11, point 1, as reported: Debian's nginx in front, with
 * {@code proxy_http_version 1.1} (so it sends {@code Connection: close} upstream) and a rule that
 * refuses the admin API. A users-API request whose body is a complete, authorized admin request
 * must not create a client behind the rule. nginx is started here, as the current user, on a free
 * 127.0.0.1 port; without the binary the test skips, unless TOLLGATE_REQUIRE_NGINX is set (CI).
 */
class NginxSmugglingTest {

    @TempDir
    static Path dir;

    private static TestServer server;
    private static NginxProcess nginx;
    private static int proxyPort;
    private static String adminToken;

    @BeforeAll
    static void serverBehindNginx() throws Exception {
        NginxProcess.requireInstalled();
        server = TestServer.embedded();
        adminToken = adminToken();
        proxyPort = NginxProcess.freePort();
        Files.createDirectories(dir.resolve("logs"));
        nginx = NginxProcess.start(dir, """
                worker_processes 1;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        location /t/10001/admin/ { return 403; }
                        location / {
                            proxy_http_version 1.1;
                            proxy_pass http://127.0.0.1:%3$d;
                        }
                    }
                }
                """.formatted(dir, proxyPort, server.port()), proxyPort);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void nginxWhenUsersApiBodyIsAnAuthorizedAdminRequestThenOnly401AndNoClientCreated() throws IOException {
        List<String> before = clients();

        String wire = exchange(plainSocket(proxyPort), post("/t/10001/api/v1/users", "close", createClient("smuggled")));

        assertThat(wire).as(wire).startsWith("HTTP/1.1 401 ");
        assertThat(statusLines(wire)).as(wire).isEqualTo(1);
        awaitUpstreamConnectionsEnded();
        assertThat(clients()).as("no client may be created behind nginx's 403 rule").isEqualTo(before);
    }

    @Test
    void nginxWhenAdminApiCalledThroughItThenItsRuleAnswers403() throws IOException {
        List<String> before = clients();

        String wire = exchange(plainSocket(proxyPort), createClient("through-the-proxy"));

        assertThat(wire).as(wire).startsWith("HTTP/1.1 403 ");
        assertThat(clients()).isEqualTo(before);
    }

    @Test
    void adminRequestWhenSentToTollgateDirectlyThenCreatesTheClient() throws IOException {
        // The smuggled request is a working one: straight to Tollgate, it creates a client.
        String wire = exchange(plainSocket(server.port()), createClient("direct"));

        assertThat(wire).as(wire).startsWith("HTTP/1.1 201 ");
        assertThat(clients()).contains("direct");
    }

    /** A complete, authorized {@code POST clients} that ends the connection. */
    private static String createClient(String name) {
        String json = "{\"name\":\"" + name + "\"}";
        return "POST /t/10001/admin/api/v1/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Authorization: Bearer " + adminToken + "\r\nContent-Type: application/json\r\nContent-Length: "
                + json.length() + "\r\n\r\n" + json;
    }

    /** The names of the tenant's clients, in the store. */
    private static List<String> clients() {
        return server.app().store().clients().list(TestServer.TENANT).stream().map(ClientCredential::name).toList();
    }

    /** A client-credentials token that may manage clients, from the real token endpoint. */
    private static String adminToken() throws Exception {
        ClientWithSecret client = Administration.of(server.app()).clients.create(TestServer.TENANT,
                ClientSpec.named("operator", ScopeSet.of(Capability.MANAGE_CLIENT_CREDENTIALS.scope().value())));
        String basic = Base64.getEncoder().encodeToString((client.client().clientId().value() + ":"
                + client.secret().reveal()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (String) JSONObjectUtils.parse(response.body()).get("access_token");
    }

    /**
     * Waits until Tollgate has ended every connection nginx opened to it. nginx answers its client
     * as soon as it has the 401; a smuggled request would run after that, on the same upstream
     * connection, which Tollgate ends only once it has read everything on it. Linux's socket table
     * shows it: no server-side socket of Tollgate's port still established or half-closed.
     */
    private static void awaitUpstreamConnectionsEnded() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String port = String.format(":%04X ", server.port());
        while (true) {
            boolean open = false;
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Path file = Path.of(table);
                if (!Files.exists(file)) {
                    continue;
                }
                for (String line : Files.readAllLines(file)) {
                    String[] f = line.trim().split("\\s+");
                    // local_address ends with the port; state 01 = ESTABLISHED, 08 = CLOSE_WAIT
                    open |= f.length > 3 && (f[1] + " ").endsWith(port) && (f[3].equals("01") || f[3].equals("08"));
                }
            }
            if (!open) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Tollgate kept a connection from nginx open for 20 s");
            }
            // A poll for that state, not a wait that hopes a race is over: it returns as soon as it holds.
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }
}
