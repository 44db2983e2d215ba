package dev.tollgate.server;

import dev.tollgate.testing.TestClock;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.store.JdbcStore;
import dev.tollgate.store.TestKek;
import dev.tollgate.store.PostgresTestDatabase;
import dev.tollgate.store.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics and health on the management port, over real HTTP: the counters move as tokens are
 * issued and refused, and readiness follows the store down and back up.
 */
class OperationsTest {

    @TempDir
    Path dataDir;

    private TestServer server;
    private Tollgate app;
    private TollgateServer countingServer;
    private PostgresTestDatabase database;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (countingServer != null) {
            countingServer.close();
        }
        if (app != null) {
            app.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void metricsWhenTokenIssuedThenIssuedCounterForTenantAndClientGoesUp() {
        server = TestServer.embedded();
        ClientWithSecret client = server.defaultClient();
        String series = "tollgate_tokens_issued_total{client=\"" + client.client().clientId().value()
                + "\",tenant=\"" + TENANT.value() + "\"}";
        double before = value(scrape(), series);

        assertThat(token(client.client().clientId().value(), client.secret().reveal()).statusCode()).isEqualTo(200);
        assertThat(token(client.client().clientId().value(), client.secret().reveal()).statusCode()).isEqualTo(200);

        assertThat(value(scrape(), series)).isEqualTo(before + 2);
    }

    @Test
    void metricsWhenWrongSecretThenRefusedCounterWithReasonGoesUp() {
        server = TestServer.embedded();
        ClientWithSecret client = server.defaultClient();
        String series = "tollgate_tokens_refused_total{client=\"" + client.client().clientId().value()
                + "\",reason=\"wrong_secret\",tenant=\"" + TENANT.value() + "\"}";

        assertThat(token(client.client().clientId().value(), "not-the-secret").statusCode()).isEqualTo(401);

        assertThat(value(scrape(), series)).isEqualTo(1);
    }

    @Test
    void metricsWhenMadeUpClientOrTenantThenTaggedUnknownNotWithTheRequestsValues() {
        server = TestServer.embedded();

        assertThat(token("made-up-client-4711", "whatever").statusCode()).isEqualTo(401);
        assertThat(server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/99999/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=a&client_secret=b"))
                .build()).statusCode()).isEqualTo(404);

        String metrics = scrape();
        assertThat(value(metrics, "tollgate_tokens_refused_total{client=\"unknown\",reason=\"unknown_client\",tenant=\""
                + TENANT.value() + "\"}")).isEqualTo(1);
        assertThat(value(metrics, "tollgate_tokens_refused_total{client=\"unknown\",reason=\"unknown_tenant\","
                + "tenant=\"unknown\"}")).isEqualTo(1);
        // As tag values: a bare 99999 also turns up inside a gauge such as process_cpu_usage 0.3199999…
        assertThat(metrics).doesNotContain("\"made-up-client-4711\"").doesNotContain("\"99999\"");
    }

    @Test
    void metricsWhenScrapedThenTokenLatencyHistogramHasBuckets() {
        server = TestServer.embedded();
        ClientWithSecret client = server.defaultClient();
        token(client.client().clientId().value(), client.secret().reveal());

        String metrics = scrape();

        assertThat(metrics).contains("tollgate_token_request_seconds_bucket{le=\"+Inf\"}");
        assertThat(metrics.lines().filter(l -> l.startsWith("tollgate_token_request_seconds_bucket")).count())
                .isGreaterThan(10);
        assertThat(value(metrics, "tollgate_token_request_seconds_count")).isEqualTo(1);
    }

    @Test
    void metricsWhenScrapedThenJvmPoolCacheAndRouteMetricsArePresent() {
        server = TestServer.embedded();
        String metrics = "";
        // A scrape right after each answer counts that request: the route is timed before the
        // answer goes out (timing it after the send raced with this scrape).
        for (int sent = 1; sent <= 25; sent++) {
            assertThat(server.send(HttpRequest.newBuilder(server.jwksUri()).build()).statusCode()).isEqualTo(200);

            metrics = scrape();

            assertThat(value(metrics, "tollgate_http_requests_seconds_count{route=\"/t/{tenant}/oauth2/jwks\",status=\"2xx\"}"))
                    .as("after %d requests", sent).isEqualTo(sent);
        }
        assertThat(metrics).contains("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds",
                "system_cpu_count", "hikaricp_connections_active", "cache_gets_total{cache=\"clients\"");
    }

    @Test
    void mainPortWhenAskedForMetricsOrHealthThenNotServed() {
        server = TestServer.embedded();

        for (String path : new String[]{"/metrics", "/health/live", "/health/ready"}) {
            HttpResponse<String> response = server.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
        }
        assertThat(server.managementPort()).isNotEqualTo(server.port());
    }

    @Test
    void livenessWhenRunningThenUp() {
        server = TestServer.embedded();

        HttpResponse<String> live = management(server.managementPort(), "/health/live");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void readinessWhenStoreGoesDownWithKeysInMemoryThenUpDegradedAndAdminDownUntilItReturns() {
        CountingStore store = startCounting();
        int port = countingServer.managementPort();

        HttpResponse<String> up = management(port, "/health/ready");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(up.body()).contains("\"status\":\"UP\"", "\"store\":\"UP\"", "\"signing_keys\":\"UP\"",
                "\"degraded\":false");
        assertThat(management(port, "/health/admin").statusCode()).isEqualTo(200);

        store.setDown(true);
        // Tokens can still be issued to known clients from memory (issue 13): stay in rotation, say degraded.
        HttpResponse<String> degraded = management(port, "/health/ready");
        assertThat(degraded.statusCode()).as(degraded.body()).isEqualTo(200);
        assertThat(degraded.body()).contains("\"status\":\"UP\"", "\"store\":\"DOWN", "\"degraded\":true");
        HttpResponse<String> admin = management(port, "/health/admin");
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(503);
        assertThat(admin.body()).contains("\"status\":\"DOWN\"", "\"store\":\"DOWN");
        // Liveness is not readiness: a node waiting for its database must not be restarted for it.
        assertThat(management(port, "/health/live").statusCode()).isEqualTo(200);

        store.setDown(false);
        HttpResponse<String> back = management(port, "/health/ready");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(back.body()).contains("\"status\":\"UP\"", "\"degraded\":false");
        assertThat(management(port, "/health/admin").statusCode()).isEqualTo(200);
    }

    @Test
    void readinessWhenStoreDownBeforeAnyKeyRingWasLoadedThenDownNamingTheStore() {
        CountingStore store = startCounting();
        int port = countingServer.managementPort();
        app.directory().invalidateKeys(TENANT);

        store.setDown(true);
        HttpResponse<String> down = management(port, "/health/ready");

        assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
        assertThat(down.body()).contains("\"status\":\"DOWN\"", "\"store\":\"DOWN", "\"signing_keys\":\"DOWN");
    }

    private CountingStore startCounting() {
        StoreConfig storeConfig = StoreConfig.embedded(dataDir);
        CountingStore store = new CountingStore(JdbcStore.open(storeConfig, TestKek.defaultFile(storeConfig)));
        app = new Tollgate(store, TestClock.startingNow(), Tollgate.issuersFor(null), Directory::withDefaults);
        ProvisionedTenant provisioned = app.bootstrap(TENANT).orElseThrow();
        assertThat(provisioned.clients()).anyMatch(c -> c.client().builtin() == BuiltinClient.DEFAULT);
        countingServer = TollgateServer.start(app, ServerConfig.builder().port(0).managementPort(0)
                .store(storeConfig).defaultTenant(TENANT).build());
        return store;
    }

    @Test
    void tokenRequestWhenTheStoreReportsADuplicateThenNotAnsweredAsStoreUnavailable() {
        database = PostgresTestDatabase.create();
        StoreConfig storeConfig = database.storeConfig();
        CountingStore store = new CountingStore(JdbcStore.open(storeConfig, TestKek.SHARED));
        app = new Tollgate(store, TestClock.startingNow(), Tollgate.issuersFor(null), Directory::withDefaults);
        ClientWithSecret client = app.bootstrap(TENANT).orElseThrow().clients().getFirst();
        countingServer = TollgateServer.start(app, ServerConfig.builder().port(0).managementPort(0)
                .store(storeConfig).defaultTenant(TENANT).build());

        // Not cached yet, so the token path asks the store, which answers with a conflict.
        store.failWith(() -> new DuplicateException("cannot insert: it already exists", null));
        String body = "grant_type=client_credentials&client_id="
                + URLEncoder.encode(client.client().clientId().value(), StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(client.secret().reveal(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(countingServer.baseUrl() + "/t/" + TENANT.value()
                        + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }

        // A duplicate is a conflict, not an outage: 503 would tell the client to retry the same thing.
        assertThat(response.statusCode()).as(response.body()).isNotEqualTo(503);
        assertThat(response.body()).doesNotContain("store is unavailable");
    }

    private HttpResponse<String> token(String clientId, String secret) {
        String body = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private String scrape() {
        HttpResponse<String> response = management(server.managementPort(), "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        return response.body();
    }

    private static HttpResponse<String> management(int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sample's value, 0 when the series does not exist yet. */
    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
