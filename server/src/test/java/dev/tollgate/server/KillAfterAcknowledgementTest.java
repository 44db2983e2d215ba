package dev.tollgate.server;

import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.seal.KeyEncryptionKeyFile;
import dev.tollgate.store.JdbcStore;
import dev.tollgate.store.PostgresTestDatabase;
import dev.tollgate.store.StoreConfig;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledged means durable (issue 13, point 1): a server process makes client creations through
 * the admin API, is killed with SIGKILL right after its last 201, and every client it acknowledged
 * is in the store when it is opened again. With H2's default 500 ms write delay the clients created
 * in the last half second before the kill were gone.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Kind.class)
class KillAfterAcknowledgementTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ACKNOWLEDGED_BEFORE_KILL = 40;

    @Parameter
    TestServer.Kind kind;

    @TempDir
    Path temp;

    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private PostgresTestDatabase postgres;
    private StoreConfig store;

    @BeforeEach
    void createStore() {
        if (kind == TestServer.Kind.POSTGRES) {
            postgres = PostgresTestDatabase.create();
            store = postgres.storeConfig();
        } else {
            store = StoreConfig.embedded(temp.resolve("data"));
        }
    }

    @AfterEach
    void cleanUp() {
        ServerProcess.killAll(processes, WAIT);
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void clientCreationsWhenServerKilledRightAfterAnAcknowledgementThenEveryAcknowledgedClientIsThere() throws Exception {
        ClientWithSecret operator = provisionOperator();
        ServerProcess server = ServerProcess.start(serveCommand(), "killed-server", processes);
        String base = server.awaitLine(ServerProcess.LISTENING, WAIT, "serve").group(1);
        List<String> acknowledged = new ArrayList<>();

        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String token = token(http, base, operator);
            while (acknowledged.size() < ACKNOWLEDGED_BEFORE_KILL) {
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(
                                URI.create(base + "/t/" + TENANT.value() + "/admin/api/v1/clients"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .timeout(WAIT)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"durable-" + acknowledged.size() + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                acknowledged.add((String) JSONObjectUtils.parse(created.body()).get("client_id"));
            }
        }
        // At once after the last 201: SIGKILL leaves no shutdown hook and no background write to run.
        server.process().destroyForcibly();
        assertThat(server.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        try (JdbcStore reopened = JdbcStore.open(store, kek())) {
            List<String> lost = acknowledged.stream()
                    .filter(id -> reopened.clients().find(TENANT, new ClientId(id)).isEmpty())
                    .map(id -> "durable-" + acknowledged.indexOf(id))
                    .toList();
            assertThat(lost).as("acknowledged clients missing after the kill, of %d", acknowledged.size()).isEmpty();
        }
    }

    /** The tenant and a client that may create clients, written before the server process starts. */
    private ClientWithSecret provisionOperator() {
        ServerConfig config = ServerConfig.builder().port(0).managementPort(0).store(store).keyEncryptionKey(kek())
                .defaultTenant(TENANT).build();
        try (Tollgate app = Tollgate.open(config, TestClock.startingNow())) {
            app.bootstrap(TENANT);
            return Administration.of(app).clients.create(TENANT, ClientSpec.named("operator",
                    ScopeSet.of(Capability.MANAGE_CLIENT_CREDENTIALS.scope().value())));
        }
    }

    /** {@code tollgate serve} in a JVM of its own, on the test's class path and this test's store. */
    private ProcessBuilder serveCommand() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(ServerProcess.java(), "-cp", classPath,
                "dev.tollgate.server.cli.Main", "serve", "--port", "0", "--management-port", "0")
                .directory(temp.toFile());
        Map<String, String> env = builder.environment();
        ServerProcess.clearTollgateEnvironment(env);
        env.put("TOLLGATE_KEK_FILE", kek().file().toString());
        if (store.isEmbedded()) {
            env.put("TOLLGATE_DATA_DIR", store.dataDirectory().toString());
        } else {
            env.put("TOLLGATE_JDBC_URL", store.jdbcUrl());
            putIfSet(env, "TOLLGATE_JDBC_USER", store.user());
            putIfSet(env, "TOLLGATE_JDBC_PASSWORD", store.password());
        }
        return builder;
    }

    /** One key-encryption key file for the provisioning, the killed server and the reopening. */
    private KeyEncryptionKeyFile kek() {
        return new KeyEncryptionKeyFile(temp.resolve("tollgate.kek"));
    }

    private static void putIfSet(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }

    private static String token(HttpClient http, String base, ClientWithSecret client) throws Exception {
        String basic = Base64.getEncoder().encodeToString((client.client().clientId().value() + ":"
                + client.secret().reveal()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(base + "/t/" + TENANT.value() + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (String) JSONObjectUtils.parse(response.body()).get("access_token");
    }
}
