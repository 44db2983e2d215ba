package dev.tollgate.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
    private static final Pattern LISTENING = Pattern.compile("Tollgate listening on (http://127\\.0\\.0\\.1:(\\d+))\\b.*");
    private static final Pattern DEFAULT_CLIENT = Pattern.compile(
            "\\s*Default Client Credential\\s+client_id=(\\S+) client_secret=(\\S+)\\s*");

    private Path workDir;
    private Path jar;
    private String java;
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());

    /** A running {@code serve}: its base URL and the standard output it printed up to the listening line. */
    private record Served(Process process, String baseUrl, List<String> startupLines, StringBuffer stderr) {
    }

    private record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void prepare() throws IOException {
        String jarProperty = System.getProperty("tollgate.jar");
        assertThat(jarProperty).as("system property tollgate.jar (set by the failsafe configuration)").isNotBlank();
        jar = Path.of(jarProperty).toAbsolutePath();
        assertThat(jar).as("the shaded jar; run 'mvn verify', which packages it first").isRegularFile();
        java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        workDir = Files.createTempDirectory("tollgate-fresh-clone");
    }

    @AfterEach
    void cleanUp() throws IOException {
        synchronized (processes) {
            for (Process p : processes) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    try {
                        p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void serveFromAnEmptyDirectoryThenCurlTheCliAndSpringAllWorkAndARestartKeepsTheCredentials() throws Exception {
        Served first = serve();
        String clientId = null;
        String secret = null;
        for (String line : first.startupLines()) {
            Matcher m = DEFAULT_CLIENT.matcher(line);
            if (m.matches()) {
                clientId = m.group(1);
                secret = m.group(2);
            }
        }
        assertThat(clientId).as("client_id of the Default Client Credential in:%n%s", first.startupLines()).isNotNull();
        assertThat(Files.isDirectory(workDir.resolve("data"))).as("embedded store in ./data").isTrue();

        String token = curlToken(first.baseUrl(), clientId, secret);
        assertThat(token).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");

        Result cliToken = run(java, "-jar", jar.toString(), "token", "--server", first.baseUrl(),
                "--client-id", clientId, "--client-secret", secret);
        assertThat(cliToken.exitCode()).as(cliToken.err()).isZero();
        assertThat(cliToken.out().strip()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");

        Result verify = run(java, "-jar", jar.toString(), "token", "verify", "--server", first.baseUrl(), token);
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains(clientId);

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
        clearTollgateEnvironment(builder.environment());
        Process process = builder.start();
        processes.add(process);
        process.getOutputStream().close();
        BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
        StringBuffer stderr = new StringBuffer();
        drain(process.getInputStream(), stdout::add, "serve-stdout");
        drain(process.getErrorStream(), line -> stderr.append(line).append('\n'), "serve-stderr");

        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                fail("no listening line within %s; stdout:%n%s%nstderr:%n%s", WAIT, lines, stderr);
            }
            String line = stdout.poll(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            if (line == null) {
                if (!process.isAlive() && stdout.isEmpty()) {
                    fail("serve exited with %d before listening; stdout:%n%s%nstderr:%n%s", process.exitValue(), lines,
                            stderr);
                }
                continue;
            }
            lines.add(line);
            Matcher m = LISTENING.matcher(line);
            if (m.matches()) {
                return new Served(process, m.group(1), List.copyOf(lines), stderr);
            }
        }
    }

    private static void stop(Served served) throws InterruptedException {
        served.process().destroy();
        if (!served.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            served.process().destroyForcibly();
            fail("serve did not stop within %s after SIGTERM; stderr:%n%s", WAIT, served.stderr());
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
        Path out = Files.createTempFile("tollgate-it", ".out");
        Path err = Files.createTempFile("tollgate-it", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            clearTollgateEnvironment(builder.environment());
            Process process = builder.start();
            processes.add(process);
            process.getOutputStream().close();
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("%s did not finish within %s", command[0] + " " + command[command.length - 1], WAIT);
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The developer's own TOLLGATE_* settings (a JDBC URL, a port) must not leak into the test. */
    private static void clearTollgateEnvironment(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("TOLLGATE_"));
    }

    private static void drain(InputStream stream, java.util.function.Consumer<String> sink, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // The process went away; what it printed until then is already in the sink.
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
    }
}
