package dev.tollgate.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.server.ServerProcess.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's two commands as a new user types them, in a plain shell: no JAVA_HOME, the system's
 * PATH (whose {@code java} is 17 on the machines this project is built on), the launcher at the
 * repository root. And the JDK finder both the launcher and {@code ./mvnw} use, on fake JDKs.
 */
class LauncherIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** A plain login shell's PATH: the system's java, whatever version it is. */
    private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Path repository = Path.of("..").toAbsolutePath().normalize();
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private Path workDir;

    @BeforeEach
    void prepare() throws IOException {
        ServerProcess.shadedJar(); // built by this verify, so the launcher has nothing to rebuild
        workDir = Files.createTempDirectory("tollgate-launcher");
    }

    @AfterEach
    void cleanUp() throws IOException {
        ServerProcess.killAll(processes, WAIT);
        ServerProcess.deleteTree(workDir);
    }

    @Test
    void readmeWhenReadThenStartsWithTheLauncherAndTheWrapperAsItsTwoCommands() throws IOException {
        String readme = Files.readString(repository.resolve("README.md"), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find()).as("a first sh block in README.md").isTrue();
        assertThat(readme.substring(0, block.start()).lines().filter(l -> !l.isBlank()).count())
                .as("the commands come right after the title").isLessThanOrEqualTo(1);
        List<String> commands = block.group(1).lines().map(l -> l.replaceAll("\\s+#.*", "").strip())
                .filter(l -> !l.isEmpty()).toList();

        assertThat(commands).containsExactly("./tollgate serve", "./mvnw verify");
    }

    @Test
    void launcherWhenInAPlainShellThenServesAndTheCredentialsItPrintsGetAToken() throws Exception {
        Map<String, String> env = plainShell();
        // The README's command as is; only the ports are free ones, so the test runs beside anything.
        env.put("TOLLGATE_PORT", "0");
        env.put("TOLLGATE_MANAGEMENT_PORT", "0");
        ProcessBuilder builder = new ProcessBuilder(inPlainShell(env, repository.resolve("tollgate").toString(), "serve"))
                .directory(workDir.toFile());
        ServerProcess served = ServerProcess.start(builder, "launcher", processes);

        Matcher listening = served.awaitLine(ServerProcess.LISTENING, WAIT, "./tollgate serve");
        String baseUrl = listening.group(1);
        ServerProcess.Credentials printed = served.defaultClient();
        assertThat(served.linesRead()).anyMatch(l -> l.startsWith("Console admin 'admin' created with password "));
        assertThat(workDir.resolve("data")).as("the embedded store is ./data where it was run").isDirectory();

        Result curl = ServerProcess.run(workDir, WAIT, Map.of(), processes, "curl", "-s", "-u",
                printed.clientId() + ":" + printed.secret(), "-d", "grant_type=client_credentials",
                baseUrl + "/t/10001/oauth2/token");
        assertThat(JSONObjectUtils.parse(curl.out())).as(curl.out()).containsEntry("token_type", "Bearer")
                .containsKey("access_token");
        Result start = ServerProcess.run(workDir, WAIT, Map.of(), processes, "curl", "-s", baseUrl + "/");
        assertThat(start.out()).contains("href=\"/console\"", "href=\"/t/10001/oauth2/jwks\"",
                "href=\"/.well-known/oauth-authorization-server/t/10001\"", "href=\"/docs/");
        assertThat(served.stderr().toString()).doesNotContain("There is no Helidon logging implementation");

        served.process().destroy();
        assertThat(served.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void launcherWhenOnATerminalThenLogsLinesForPeopleAndTheVersionInTheBanner() throws Exception {
        Map<String, String> env = plainShell();
        env.put("TOLLGATE_PORT", "0");
        env.put("TOLLGATE_MANAGEMENT_PORT", "0");
        // script(1) gives the launcher a pseudo-terminal, as a person's shell would.
        ProcessBuilder builder = new ProcessBuilder(inPlainShell(env, "script", "-qfec",
                repository.resolve("tollgate") + " serve", "/dev/null")).directory(workDir.toFile());
        ServerProcess served = ServerProcess.start(builder, "terminal", processes);

        Matcher listening = served.awaitLine(Pattern.compile(".*" + ServerProcess.LISTENING.pattern()), WAIT,
                "./tollgate serve on a terminal");

        assertThat(listening.group(0)).contains("Tollgate " + TollgateVersion.current() + " listening on");
        List<String> lines = served.linesRead();
        assertThat(lines).anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Opened embedded H2 .*"));
        assertThat(lines).noneMatch(l -> l.contains("\"@timestamp\""));
        assertThat(lines).noneMatch(l -> l.contains("There is no Helidon logging implementation"));
    }

    @Test
    void launcherWhenNoJdk21ExistsThenOneLineSaysWhatWasFoundAndWhatIsNeeded() throws Exception {
        Path jdks = Files.createDirectories(workDir.resolve("jvm"));
        fakeJdk(jdks.resolve("jdk-17"), "17.0.15");
        Path bin = Files.createDirectories(workDir.resolve("bin"));
        executable(bin.resolve("java"), "#!/bin/sh\necho 'openjdk version \"17.0.15\" 2025-04-15' >&2\n");
        Map<String, String> env = plainShell();
        env.put("PATH", bin + ":" + SYSTEM_PATH);
        env.put("JAVA_HOME", jdks.resolve("jdk-17").toString());
        env.put("TOLLGATE_JDK_SEARCH", jdks + "/*");

        Result launcher = ServerProcess.run(workDir, WAIT, Map.of(), processes,
                inPlainShell(env, repository.resolve("tollgate").toString(), "serve"));
        Result wrapper = ServerProcess.run(repository, WAIT, Map.of(), processes,
                inPlainShell(env, repository.resolve("mvnw").toString(), "-v"));

        for (Result r : List.of(launcher, wrapper)) {
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err().strip().lines()).as(r.err()).singleElement().asString()
                    .contains("needs a JDK 21 or newer", "java 17.0.15 at " + bin.resolve("java"),
                            "JAVA_HOME=" + jdks.resolve("jdk-17"), "install one");
        }
        assertThat(workDir.resolve("data")).as("nothing ran").doesNotExist();
    }

    @Test
    void jdkFinderWhenJavaHomeIsTooOldThenTheNewestJdk21PlusInTheUsualPlaces() throws Exception {
        Path jdks = Files.createDirectories(workDir.resolve("jvm"));
        fakeJdk(jdks.resolve("jdk-17"), "17.0.15");
        fakeJdk(jdks.resolve("jdk-21"), "21.0.4");
        fakeJdk(jdks.resolve("jdk-25"), "25.0.1");
        fakeJdk(jdks.resolve("jre-26"), null); // no javac: not a JDK
        Map<String, String> env = plainShell();
        env.put("JAVA_HOME", jdks.resolve("jdk-17").toString());
        env.put("TOLLGATE_JDK_SEARCH", jdks + "/*");

        Result found = ServerProcess.run(workDir, WAIT, Map.of(), processes, inPlainShell(env, "sh", "-c",
                ". '" + repository.resolve(".mvn/find-jdk.sh") + "' && tollgate_use_jdk && echo \"$JAVA_HOME\""));

        assertThat(found.exitCode()).as(found.err()).isZero();
        assertThat(found.out().strip()).isEqualTo(jdks.resolve("jdk-25").toString());
    }

    @Test
    void launcherWhenRunThenTheJvmHasTheDefaultOptionsAndTollgateJavaOptsOverridesThem() throws Exception {
        Map<String, String> env = plainShell();
        env.put("TOLLGATE_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        Result defaults = ServerProcess.run(workDir, WAIT, Map.of(), processes,
                inPlainShell(env, repository.resolve("tollgate").toString(), "version"));
        env.put("TOLLGATE_JAVA_OPTS", "-Xmx256m -XX:+PrintCommandLineFlags");
        Result raised = ServerProcess.run(workDir, WAIT, Map.of(), processes,
                inPlainShell(env, repository.resolve("tollgate").toString(), "version"));

        assertThat(defaults.exitCode()).as(defaults.err()).isZero();
        assertThat(defaults.out()).contains("-XX:+UseSerialGC", "-XX:MaxHeapSize=134217728",
                "-XX:InitialHeapSize=33554432", "-XX:TrimNativeHeapInterval=5000");
        assertThat(raised.exitCode()).as(raised.err()).isZero();
        assertThat(raised.out()).contains("-XX:MaxHeapSize=268435456");
    }

    @Test
    void mavenWrapperWhenInAPlainShellThenBuildsWithAJdk21Plus() throws Exception {
        Result version = ServerProcess.run(repository, WAIT, Map.of(), processes,
                inPlainShell(plainShell(), repository.resolve("mvnw").toString(), "-v"));

        assertThat(version.exitCode()).as(version.err()).isZero();
        Matcher java = Pattern.compile("Java version: (\\d+)").matcher(version.out());
        assertThat(java.find()).as(version.out()).isTrue();
        assertThat(Integer.parseInt(java.group(1))).isGreaterThanOrEqualTo(21);
    }

    /** What a new login shell has: no JAVA_HOME, no TOLLGATE_*, the system PATH. */
    private static Map<String, String> plainShell() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", SYSTEM_PATH);
        env.put("HOME", System.getProperty("user.home"));
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "xterm");
        return env;
    }

    /** {@code command} under {@code env -i}: exactly {@code env}, nothing inherited from the build. */
    private static String[] inPlainShell(Map<String, String> env, String... command) {
        List<String> line = new ArrayList<>(List.of("env", "-i"));
        env.forEach((name, value) -> line.add(name + "=" + value));
        line.addAll(List.of(command));
        return line.toArray(String[]::new);
    }

    /** A directory shaped like a JDK: a release file, bin/java, and bin/javac unless version is null (a JRE). */
    private static void fakeJdk(Path home, String version) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        executable(home.resolve("bin/java"), "#!/bin/sh\nexit 1\n");
        if (version != null) {
            executable(home.resolve("bin/javac"), "#!/bin/sh\nexit 1\n");
            Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        } else {
            Files.writeString(home.resolve("release"), "JAVA_VERSION=\"26\"\n");
        }
    }

    private static void executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
