package dev.tollgate.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.server.ServerProcess.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What someone does after cloning: build the jar, {@code java -jar tollgate.jar serve}, copy the
 * printed secret, get a token with {@code curl}, check it with the CLI and with a resource server;
 * restart and carry on with the same credentials. The jar is the shaded one {@code mvn verify}
 * just built (system property {@code tollgate.jar}), run as a separate process in an empty directory.
 */
class FreshCloneEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Path jar = ServerProcess.shadedJar();
    private final String java = ServerProcess.java();
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private Path workDir;

    /** A running {@code serve} and its base URL; its standard output was read up to the listening line. */
    private record Served(ServerProcess server, String baseUrl) {

        List<String> startupLines() {
            return server.linesRead();
        }
    }

    @BeforeEach
    void prepare() throws IOException {
        workDir = Files.createTempDirectory("tollgate-fresh-clone");
    }

    @AfterEach
    void cleanUp() throws IOException {
        ServerProcess.killAll(processes, WAIT);
        ServerProcess.deleteTree(workDir);
    }

    @Test
    void serveWhenFromAnEmptyDirectoryThenCurlTheCliAndSpringAllWorkAndARestartKeepsTheCredentials() throws Exception {
        Served first = serve();
        ServerProcess.Credentials printed = first.server().defaultClient();
        String clientId = printed.clientId();
        String secret = printed.secret();
        assertThat(Files.isDirectory(workDir.resolve("data"))).as("embedded store in ./data").isTrue();

        String token = curlToken(first.baseUrl(), clientId, secret);
        assertThat(token).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");

        Result cliToken = run(java, "-jar", jar.toString(), "token", "--server", first.baseUrl(),
                "--client-id", clientId, "--client-secret", secret);
        assertThat(cliToken.exitCode()).as(cliToken.err()).isZero();
        assertThat(cliToken.out().strip()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");

        Result verify = run(java, "-jar", jar.toString(), "token", "verify", "--server", first.baseUrl(), token);
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("valid").contains(clientId);

        String issuer = first.baseUrl() + "/t/10001";
        Jwt jwt = SpringResourceServer.decoder(issuer + "/oauth2/jwks", issuer, issuer + "/api", Clock.systemUTC())
                .decode(token);
        assertThat(jwt.getSubject()).isEqualTo(clientId);
        assertThat(jwt.getClaimAsString("scope")).isEqualTo("users:read users:write");

        stop(first);
        Served second = serve();

        assertThat(second.startupLines()).noneMatch(line -> line.contains("client_secret"));
        String again = curlToken(second.baseUrl(), clientId, secret);
        String secondIssuer = second.baseUrl() + "/t/10001";
        assertThat(SpringResourceServer.decoder(secondIssuer + "/oauth2/jwks", secondIssuer, secondIssuer + "/api",
                Clock.systemUTC()).decode(again).getSubject()).isEqualTo(clientId);
        // Same keys as before the restart: the first token still verifies against the new JWKS.
        Result verifyOld = run(java, "-jar", jar.toString(), "token", "verify", "--server", second.baseUrl(),
                "--issuer", issuer, token);
        assertThat(verifyOld.exitCode()).as(verifyOld.err()).isZero();
        stop(second);
    }

    private Served serve() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toString(), "serve", "--port", "0", "--management-port", "0")
                .directory(workDir.toFile());
        ServerProcess.clearTollgateEnvironment(builder.environment());
        ServerProcess served = ServerProcess.start(builder, "serve", processes);
        Matcher listening = served.awaitLine(ServerProcess.LISTENING, WAIT, "serve");
        return new Served(served, listening.group(1));
    }

    private static void stop(Served served) throws InterruptedException {
        Process process = served.server().process();
        process.destroy();
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("serve did not stop within %s after SIGTERM; stderr:%n%s", WAIT, served.server().stderr());
        }
    }

    private String curlToken(String baseUrl, String clientId, String secret) throws Exception {
        Result curl = run("curl", "-s", "--max-time", String.valueOf(WAIT.toSeconds()), "-u", clientId + ":" + secret,
                "-d", "grant_type=client_credentials", baseUrl + "/t/10001/oauth2/token");
        assertThat(curl.exitCode()).as("curl: %s", curl.err()).isZero();
        Map<String, Object> json = JSONObjectUtils.parse(curl.out());
        assertThat(json).as(curl.out()).containsEntry("token_type", "Bearer").containsKey("access_token");
        return (String) json.get("access_token");
    }

    private Result run(String... command) throws IOException, InterruptedException {
        return ServerProcess.run(workDir, WAIT, Map.of(), processes, command);
    }
}
