package dev.tollgate.server;

import dev.tollgate.testing.TestClock;
import dev.tollgate.store.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A start that fails (its port is taken) leaves nothing behind on the application: the next start
 * over the same store gets the pool's metrics and mints with its own issuer.
 */
class FailedStartTest {

    @TempDir
    Path dataDir;

    private Tollgate app;
    private TollgateServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void startWhenPortTakenThenASecondStartServesWithPoolMetricsAndItsOwnIssuer() throws IOException {
        app = Tollgate.open(config(0), TestClock.startingNow());
        app.bootstrap(TENANT);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> TollgateServer.start(app, config(taken.getLocalPort())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("address in use");
        }

        server = TollgateServer.start(app, config(0));

        // HikariCP takes one metrics tracker per pool: had the failed start bound it, it would
        // report into that start's registry, and this one would go without.
        String metrics = get("http://127.0.0.1:" + server.managementPort() + "/metrics").body();
        assertThat(metrics).contains("hikaricp_connections_active", "jvm_memory_used_bytes",
                "cache_gets_total{cache=\"clients\"");
        // The failed start sealed the issuers with the port it never got.
        String discovery = get(server.baseUrl() + "/t/" + TENANT.value()
                + "/.well-known/oauth-authorization-server").body().replace("\\/", "/");
        assertThat(discovery).contains("\"issuer\":\"" + server.baseUrl() + "/t/" + TENANT.value() + "\"");
    }

    private ServerConfig config(int port) {
        return ServerConfig.builder().host("127.0.0.1").port(port).store(StoreConfig.embedded(dataDir))
                .defaultTenant(TENANT).managementPort(0).build();
    }

    private static HttpResponse<String> get(String uri) {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(uri)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(uri).isEqualTo(200);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
