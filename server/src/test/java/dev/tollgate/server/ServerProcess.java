package dev.tollgate.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A long-running {@code serve} started as a separate process (from the shaded jar or from the
 * unpacked image) for the integration tests, with its standard output and error drained as they
 * come; plus what those tests share around it: the jar {@code mvn verify} just built, the
 * {@code java} to run it with, one-shot commands, and cleaning up.
 */
final class ServerProcess {

    /** The line {@code serve} prints for the client it bootstraps on an empty store. */
    static final Pattern DEFAULT_CLIENT = Pattern.compile(
            "\\s*Default Client Credential\\s+client_id=(\\S+) client_secret=(\\S+)\\s*");
    /** The jar's listening line: group 1 the base URL, group 2 the port. */
    static final Pattern LISTENING = Pattern.compile("Tollgate \\S+ listening on (http://127\\.0\\.0\\.1:(\\d+))\\b.*");

    /** The bootstrapped client's id and secret, as printed. */
    record Credentials(String clientId, String secret) {
    }

    /** A one-shot command's outcome. */
    record Result(int exitCode, String out, String err, Duration took) {
    }

    private final Process process;
    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final List<String> read = new ArrayList<>();
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();

    private ServerProcess(Process process, String name) {
        this.process = process;
        drain(process.getInputStream(), line -> {
            stdout.append(line).append('\n');
            pending.add(line);
        }, name + "-stdout");
        drain(process.getErrorStream(), line -> stderr.append(line).append('\n'), name + "-stderr");
    }

    /** Starts {@code builder} with no standard input, adds the process to {@code started} for the clean-up. */
    static ServerProcess start(ProcessBuilder builder, String name, List<Process> started) throws IOException {
        Process process = builder.start();
        started.add(process);
        process.getOutputStream().close();
        return new ServerProcess(process, name);
    }

    Process process() {
        return process;
    }

    /** All the standard output so far, also what came after the line {@link #awaitLine} stopped at. */
    StringBuffer stdout() {
        return stdout;
    }

    StringBuffer stderr() {
        return stderr;
    }

    /** The lines {@link #awaitLine} has read, in order, up to and including the one it matched. */
    List<String> linesRead() {
        return List.copyOf(read);
    }

    /**
     * Reads standard output until a line matches {@code pattern} and returns its match; fails when
     * {@code wait} passes first or the process ({@code who} in the message) exits before printing it.
     */
    Matcher awaitLine(Pattern pattern, Duration wait, String who) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                fail("no listening line within %s; stdout:%n%s%nstderr:%n%s", wait, stdout, stderr);
            }
            String line = pending.poll(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            if (line == null) {
                if (!process.isAlive() && pending.isEmpty()) {
                    fail("%s exited with %d before listening; stdout:%n%s%nstderr:%n%s", who, process.exitValue(),
                            stdout, stderr);
                }
                continue;
            }
            read.add(line);
            Matcher m = pattern.matcher(line);
            if (m.matches()) {
                return m;
            }
        }
    }

    /** The Default Client Credential among the lines read so far; asserts that it was printed. */
    Credentials defaultClient() {
        Credentials found = null;
        for (String line : read) {
            Matcher m = DEFAULT_CLIENT.matcher(line);
            if (m.matches()) {
                found = new Credentials(m.group(1), m.group(2));
            }
        }
        assertThat(found).as("client_id of the Default Client Credential in:%n%s", read).isNotNull();
        return found;
    }

    // ---------------------------------------------------------------- shared by the jar's tests

    /** The shaded jar {@code mvn verify} just built (system property {@code tollgate.jar}), asserted to exist. */
    static Path shadedJar() {
        String jarProperty = System.getProperty("tollgate.jar");
        assertThat(jarProperty).as("system property tollgate.jar (set by the failsafe configuration)").isNotBlank();
        Path jar = Path.of(jarProperty).toAbsolutePath();
        assertThat(jar).as("the shaded jar; run 'mvn verify', which packages it first").isRegularFile();
        return jar;
    }

    /** The {@code java} running this test, to run the jar with. */
    static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The developer's own TOLLGATE_* settings (a JDBC URL, a port) must not leak into the test. */
    static void clearTollgateEnvironment(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("TOLLGATE_"));
    }

    /**
     * Runs {@code command} in {@code directory} without the caller's TOLLGATE_* settings, with {@code env}
     * added, and waits at most {@code wait} for it to finish (failing with its output otherwise).
     */
    static Result run(Path directory, Duration wait, Map<String, String> env, List<Process> started, String... command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("tollgate-it", ".out");
        Path err = Files.createTempFile("tollgate-it", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            clearTollgateEnvironment(builder.environment());
            builder.environment().putAll(env);
            long begun = System.nanoTime();
            Process process = builder.start();
            started.add(process);
            process.getOutputStream().close();
            if (!process.waitFor(wait.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("%s did not finish within %s; stdout:%n%s%nstderr:%n%s", String.join(" ", command), wait,
                        Files.readString(out), Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err),
                    Duration.ofNanos(System.nanoTime() - begun));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Kills what is still running of {@code started}, waiting at most {@code wait} for each. */
    static void killAll(List<Process> started, Duration wait) {
        synchronized (started) {
            for (Process p : started) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    try {
                        p.waitFor(wait.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    /** Deletes {@code directory} and everything below it. */
    static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void drain(InputStream stream, Consumer<String> sink, String name) {
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
