package dev.tollgate.server;

import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.store.StoreConfig;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * The embedded store on a full disk (issue 13, point 4), on a real file system that fills up: a
 * write that finds no space is answered 503 with Retry-After, tokens for known clients keep being
 * issued, the store comes back by itself once there is room, H2 leaves no trace file to refill the
 * disk, and a start on the full disk says why it failed in both log formats.
 */
class FullDiskTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MOST_WRITES_BEFORE_FULL = 200;

    @TempDir
    Path temp;

    private SmallDisk disk;
    private StoreConfig store;
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private Tollgate app;
    private TollgateServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = SmallDisk.mount(temp.resolve("disk"), 16);
        store = StoreConfig.embedded(disk.path("data"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        ServerProcess.killAll(processes, WAIT);
        stopServer();
        http.close();
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void clientCreationWhenDiskFullThen503WithRetryAfterAndTokensStillIssuedAndAfterSpaceReturnsCreatedAgain() throws Exception {
        ClientWithSecret operator = startServer();
        String token = token(operator);
        assertThat(createClient(token, "before").statusCode()).isEqualTo(201);

        disk.fill();
        HttpResponse<String> refused = null;
        for (int i = 0; i < MOST_WRITES_BEFORE_FULL && refused == null; i++) {
            HttpResponse<String> response = createClient(token, "while-full-" + i);
            if (response.statusCode() != 201) {
                refused = response;
            }
        }

        assertThat(refused).as("a client creation on the full disk").isNotNull();
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(JSONObjectUtils.parse(refused.body())).containsEntry("error", "temporarily_unavailable");
        assertThat(tokenResponse(operator).statusCode()).as("a token for a cached client").isEqualTo(200);

        disk.free();
        HttpResponse<String> after = createClient(token, "after");
        assertThat(after.statusCode()).as(after.body()).isEqualTo(201);
        String id = (String) JSONObjectUtils.parse(after.body()).get("client_id");
        assertThat(get(token, "/clients/" + id).statusCode()).isEqualTo(200);
        assertThat(Files.exists(disk.path("data").resolve("tollgate.trace.db"))).as("H2's trace file").isFalse();
    }

    @Test
    void serveWhenDiskFullThenExitCodeThreeAndTheCausePrintedInTextAndJson() throws Exception {
        startServer();
        stopServer();
        disk.fill();

        for (String format : List.of("text", "json")) {
            ServerProcess.Result serve = serve(format);

            assertThat(serve.exitCode()).as("exit code in %s; stderr:%n%s", format, serve.err()).isEqualTo(3);
            String line = serve.err().lines().filter(l -> l.contains("cannot open the store")).findFirst().orElse("");
            assertThat(line).as("%s stderr:%n%s", format, serve.err())
                    .contains("no space left on the device that holds the store");
            if (format.equals("json")) {
                Map<String, Object> json = JSONObjectUtils.parse(line);
                assertThat(json).containsEntry("level", "ERROR");
            }
        }
    }

    /** A server on the small disk, with a client that may create clients; returns that client. */
    private ClientWithSecret startServer() {
        ServerConfig config = ServerConfig.builder().port(0).managementPort(0).store(store).defaultTenant(TENANT).build();
        app = Tollgate.open(config, TestClock.startingNow());
        app.bootstrap(TENANT);
        ClientWithSecret operator = Administration.of(app).clients.create(TENANT, ClientSpec.named("operator",
                ScopeSet.of(Capability.MANAGE_CLIENT_CREDENTIALS.scope().value())));
        server = TollgateServer.start(app, config);
        return operator;
    }

    private void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (app != null) {
            app.close();
            app = null;
        }
    }

    /** {@code tollgate serve} in its own JVM on the small disk, logging with the jar's own logback.xml. */
    private ServerProcess.Result serve(String format) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(ServerProcess.java(), "-Dlogback.configurationFile=logback.xml",
                "-cp", classPath, "dev.tollgate.server.cli.Main", "serve", "--port", "0", "--management-port", "0")
                .directory(temp.toFile());
        ServerProcess.clearTollgateEnvironment(builder.environment());
        builder.environment().put("TOLLGATE_DATA_DIR", store.dataDirectory().toString());
        builder.environment().put("TOLLGATE_LOG_FORMAT", format);
        Path out = Files.createTempFile(temp, "serve", ".out");
        Path err = Files.createTempFile(temp, "serve", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        processes.add(process);
        process.getOutputStream().close();
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("serve on a full disk ends").isTrue();
        return new ServerProcess.Result(process.exitValue(), Files.readString(out), Files.readString(err), Duration.ZERO);
    }

    private HttpResponse<String> createClient(String token, String name) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/" + TENANT.value() + "/admin/api/v1/clients"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")));
    }

    private HttpResponse<String> get(String token, String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/" + TENANT.value() + "/admin/api/v1" + path))
                .header("Authorization", "Bearer " + token));
    }

    private String token(ClientWithSecret client) throws Exception {
        HttpResponse<String> response = tokenResponse(client);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (String) JSONObjectUtils.parse(response.body()).get("access_token");
    }

    private HttpResponse<String> tokenResponse(ClientWithSecret client) throws Exception {
        String basic = Base64.getEncoder().encodeToString((client.client().clientId().value() + ":"
                + client.secret().reveal()).getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/" + TENANT.value() + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
