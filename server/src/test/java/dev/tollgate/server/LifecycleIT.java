package dev.tollgate.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.server.ServerProcess.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The jar's lifecycle as an operator sees it (issue 5, points 1 and 7): a bad configuration stops
 * it at once with exit code 2 and the key named; SIGTERM lets the request in flight finish, refuses
 * new connections, flushes the audit and exits 143; a port in use exits 4. The jar is the shaded one
 * {@code mvn verify} just built (system property {@code tollgate.jar}), run with {@code java -jar}.
 */
class LifecycleIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Path jar = ServerProcess.shadedJar();
    private final String java = ServerProcess.java();
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private Path workDir;

    private record Served(Process process, int port, String clientId, String secret, StringBuffer stdout,
                          StringBuffer stderr) {
    }

    @BeforeEach
    void prepare() throws IOException {
        workDir = Files.createTempDirectory("tollgate-lifecycle");
    }

    @AfterEach
    void cleanUp() throws IOException {
        ServerProcess.killAll(processes, WAIT);
        ServerProcess.deleteTree(workDir);
    }

    @Test
    void serveWhenConfigurationFileBadThenStopsAtOnceWithExitCodeTwoAndTheKeysNamed() throws Exception {
        Path config = Files.writeString(workDir.resolve("bad.properties"), """
                port = eighty
                log.level = LOUD
                timeouts.shutdown-grace = soon
                """);

        Result serve = run(java, "-jar", jar.toString(), "serve", "--config", config.toString());

        assertThat(serve.exitCode()).as("exit code; stderr:%n%s", serve.err()).isEqualTo(2);
        assertThat(serve.err()).contains("invalid configuration")
                .contains("port (file " + config + ")")
                .contains("log.level (file " + config + ")")
                .contains("timeouts.shutdown-grace (file " + config + ")");
        assertThat(serve.out()).doesNotContain(" listening on ");
        assertThat(serve.took()).as("fails fast, before opening the store").isLessThan(Duration.ofSeconds(15));
        assertThat(workDir.resolve("data")).as("no store was created").doesNotExist();
    }

    @Test
    void serveWhenEnvironmentVariableBadThenStopsWithExitCodeTwoAndTheVariableNamed() throws Exception {
        Result serve = run(Map.of("TOLLGATE_TIMEOUTS_IDLE_CONNECTION", "forever"), java, "-jar", jar.toString(), "serve");

        assertThat(serve.exitCode()).as("exit code; stderr:%n%s", serve.err()).isEqualTo(2);
        assertThat(serve.err()).contains("timeouts.idle-connection (environment variable TOLLGATE_TIMEOUTS_IDLE_CONNECTION)");
    }

    @Test
    void serveWhenSigtermThenTheTokenRequestInFlightFinishesNewConnectionsRefusedTheAuditFlushedAndExits143() throws Exception {
        Path data = workDir.resolve("data");
        Served served = serve(Map.of("TOLLGATE_TIMEOUTS_SHUTDOWN_GRACE", "10s"), "--data-dir", data.toString());

        String body = "grant_type=client_credentials&scope=users%3Aread";
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        int split = 20;
        String basic = Base64.getEncoder().encodeToString((served.clientId() + ":" + served.secret())
                .getBytes(StandardCharsets.UTF_8));
        String jti;
        try (Socket inFlight = new Socket("127.0.0.1", served.port())) {
            inFlight.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = inFlight.getOutputStream();
            out.write(("POST /t/10001/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1:" + served.port() + "\r\n"
                    + "Authorization: Basic " + basic + "\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, split);
            out.flush();
            Thread.sleep(300); // the server has the headers and waits for the rest of the body

            served.process().destroy(); // SIGTERM on Linux

            // The listener closes at once: new connections are refused while the request above is still open.
            awaitRefused(served.port(), Duration.ofSeconds(5));
            assertThat(served.process().isAlive()).as("still finishing the request in flight").isTrue();

            out.write(bytes, split, bytes.length - split);
            out.flush();
            String response = readResponse(inFlight.getInputStream());
            assertThat(response).as(response).startsWith("HTTP/1.1 200");
            String json = response.substring(response.indexOf("\r\n\r\n") + 4);
            Map<String, Object> token = JSONObjectUtils.parse(json);
            assertThat(token).containsEntry("token_type", "Bearer").containsEntry("scope", "users:read");
            jti = (String) JSONObjectUtils.parse(new String(Base64.getUrlDecoder().decode(
                    ((String) token.get("access_token")).split("\\.")[1]), StandardCharsets.UTF_8)).get("jti");
            assertThat(jti).isNotBlank();
        }

        assertThat(served.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
        assertThat(served.process().exitValue()).as("exit code; stderr:%n%s", served.stderr()).isEqualTo(143);
        assertRefused(served.port());

        // The token's event was written to the audit stream before the process exited, and its count
        // added to the store.
        assertThat(Files.readAllLines(data.resolve("audit").resolve("tokens.jsonl")))
                .filteredOn(line -> line.contains("\"jti\":\"" + jti + "\""))
                .singleElement().asString().contains("\"event\":\"token.issued\"");
        String url = "jdbc:h2:file:" + data.toAbsolutePath().resolve("tollgate") + ";ACCESS_MODE_DATA=r";
        try (Connection db = DriverManager.getConnection(url, "sa", "");
             PreparedStatement query = db.prepareStatement(
                     "SELECT SUM(n) FROM token_counts WHERE outcome = 'ISSUED'")) {
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getLong(1)).as("tokens counted").isPositive();
            }
        }
    }

    @Test
    void serveWhenPortAlreadyInUseThenStopsWithExitCodeFour() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));

            Result serve = run(Duration.ofSeconds(20), Map.of(), java, "-jar", jar.toString(), "serve", "--port",
                    String.valueOf(taken.getLocalPort()),
                    "--management-port", "0", "--data-dir", workDir.resolve("data").toString());

            assertThat(serve.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", serve.out(), serve.err()).isEqualTo(4);
            assertThat(serve.out()).doesNotContain(" listening on ");
            assertThat(serve.err()).as("the reason is logged").containsIgnoringCase("listener")
                    .containsIgnoringCase("in use");
            // The one-time secrets belong to a start that serves: none printed, none used up.
            assertThat(serve.out()).doesNotContain("client_secret").doesNotContain("password");
        }

        // serve() asserts that the Default Client Credential's secret was printed.
        Served next = serve(Map.of(), "--data-dir", workDir.resolve("data").toString());
        assertThat(next.stdout().toString()).as("the next start prints the secrets, once")
                .contains("Console admin 'admin' created with password ");
    }

    @Test
    void serveWhenStoreCannotBeReachedThenStopsWithExitCodeThreeAndTheCauseInEveryLogFormat() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        for (String format : List.of("json", "text")) {
            Result serve = run(Duration.ofSeconds(30), Map.of("TOLLGATE_LOG_FORMAT", format), java, "-jar",
                    jar.toString(), "serve", "--port", "0", "--management-port", "0",
                    "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/tollgate", "--jdbc-user", "tollgate");

            assertThat(serve.exitCode()).as("exit code; stderr:%n%s", serve.err()).isEqualTo(3);
            assertThat(serve.err()).as("%s log", format).contains("cannot open the store")
                    .contains("127.0.0.1:" + closedPort).contains("connection refused");
            assertThat(serve.out()).doesNotContain("client_secret");
        }
        Result cli = run(Duration.ofSeconds(30), Map.of(), java, "-jar", jar.toString(), "client", "list",
                "--tenant", "10001", "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/tollgate");
        assertThat(cli.exitCode()).isNotZero();
        assertThat(cli.err()).contains("connection refused");
    }

    // ---------------------------------------------------------------- helpers

    private Served serve(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString(), "serve", "--port", "0",
                "--management-port", "0"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        ServerProcess.clearTollgateEnvironment(builder.environment());
        builder.environment().putAll(env);
        ServerProcess served = ServerProcess.start(builder, "serve", processes);
        Matcher listening = served.awaitLine(ServerProcess.LISTENING, WAIT, "serve");
        ServerProcess.Credentials client = served.defaultClient();
        return new Served(served.process(), Integer.parseInt(listening.group(2)), client.clientId(), client.secret(),
                served.stdout(), served.stderr());
    }

    private static void awaitRefused(int port, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            } catch (ConnectException e) {
                return;
            } catch (IOException e) {
                // a timeout or reset: not yet a clean refusal, try again
            }
            Thread.sleep(50);
        }
        fail("port %d still accepted connections %s after SIGTERM", port, atMost);
    }

    private static void assertRefused(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            fail("port %d accepted a connection after the server stopped", port);
        } catch (ConnectException expected) {
            // refused
        } catch (IOException e) {
            fail("expected a refused connection, got %s", e.toString());
        }
    }

    /** One HTTP/1.1 response with a Content-Length, as text. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] terminator = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            matched = b == terminator[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$").matcher(headText);
        byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : in.readAllBytes();
        return headText + new String(body, StandardCharsets.UTF_8);
    }

    private Result run(String... command) throws IOException, InterruptedException {
        return run(WAIT, Map.of(), command);
    }

    private Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        return run(WAIT, env, command);
    }

    private Result run(Duration wait, Map<String, String> env, String... command) throws IOException, InterruptedException {
        return ServerProcess.run(workDir, wait, env, processes, command);
    }
}
