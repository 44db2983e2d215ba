package dev.tollgate.server;

import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.testing.TestClock;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.Store;
import dev.tollgate.store.JdbcStore;
import dev.tollgate.store.TestKek;
import dev.tollgate.store.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the admin API answers when an operation fails for a reason that is not the request's: a
 * bug's exception is a 500 that names only a correlation id, which the log has with the cause; a
 * store that does not answer is a 503 to retry. No request reaches either on a healthy server, so
 * the server here runs on a {@link CountingStore} over a real embedded store, made to fail.
 */
class AdminApiInternalFailureTest {

    /** Nothing is refreshed behind the test's back: the token's client and keys stay cached. */
    private static final Function<Store, Directory> CACHED =
            store -> new Directory(store, Duration.ofMinutes(10), Duration.ofMinutes(20), 1_000);

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private CountingStore store;
    private Tollgate app;
    private TollgateServer server;
    private String token;

    @BeforeEach
    void start() throws Exception {
        StoreConfig storeConfig = StoreConfig.embedded(dataDir);
        store = new CountingStore(JdbcStore.open(storeConfig, TestKek.defaultFile(storeConfig)));
        ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).store(storeConfig)
                .defaultTenant(TENANT).managementPort(0).build();
        app = new Tollgate(store, TestClock.startingNow(), Tollgate.issuersFor(null), CACHED);
        app.bootstrap(TENANT).orElseThrow();
        server = TollgateServer.start(app, config);
        ClientWithSecret ops = Administration.of(app).clients.create(TENANT, ClientSpec.named("ops", ScopeSet.of(
                Arrays.stream(Capability.values()).map(c -> c.scope().value()).toArray(String[]::new))));
        token = token(ops);
        // Once, so the token's client and the tenant's keys are cached before the store fails.
        assertThat(get("/scopes").statusCode()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
        http.close();
    }

    @Test
    void operationWhenItThrowsIllegalStateExceptionThen500ServerErrorWithCorrelationIdAndNotTheMessage()
            throws Exception {
        store.failWith(() -> new IllegalStateException("bug detail 7f3a: row 42 of admin_sessions"));
        HttpResponse<String> response;
        try (CapturedLogs logs = CapturedLogs.everythingAtTrace()) {
            response = get("/scopes");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(500);
            Map<String, Object> json = JSONObjectUtils.parse(response.body());
            assertThat(json).containsOnlyKeys("error", "error_description").containsEntry("error", "server_error");
            assertThat(response.body()).doesNotContain("bug detail", "admin_sessions", "IllegalStateException");
            String id = ((String) json.get("error_description")).replaceFirst(".* ", "");
            assertThat(id).matches("[0-9a-f-]{36}");
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains(id, "bug detail 7f3a"));
        }
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json;charset=UTF-8");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void operationWhenItThrowsAnyRuntimeExceptionThen500ServerError() throws Exception {
        store.failWith(() -> new UnsupportedOperationException("not written yet"));

        HttpResponse<String> response = send("POST", "/scopes", "{\"name\":\"during.failure\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(500);
        assertThat(JSONObjectUtils.parse(response.body())).containsEntry("error", "server_error");
        assertThat(response.body()).doesNotContain("not written yet");
    }

    @Test
    void operationWhenStoreIsDownThen503TemporarilyUnavailableWithRetryAfter() throws Exception {
        store.setDown(true);

        HttpResponse<String> response = get("/clients");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(JSONObjectUtils.parse(response.body())).containsOnlyKeys("error", "error_description")
                .containsEntry("error", "temporarily_unavailable");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.body()).doesNotContain("store is down (test)");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/" + TENANT.value()
                        + "/admin/api/v1" + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token(ClientWithSecret client) throws Exception {
        String basic = Base64.getEncoder().encodeToString((client.client().clientId().value() + ":"
                + client.secret().reveal()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/"
                        + TENANT.value() + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (String) JSONObjectUtils.parse(response.body()).get("access_token");
    }
}
