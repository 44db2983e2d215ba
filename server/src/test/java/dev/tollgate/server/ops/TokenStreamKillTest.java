package dev.tollgate.server.ops;

import com.nimbusds.jose.shaded.gson.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What kill -9 costs the audit stream: a server process issuing tokens as fast as it can is killed
 * outright. Every token acknowledged before the last flush interval is in the file, as whole lines;
 * only the events of the interval before the kill may be missing.
 */
class TokenStreamKillTest {

    /** The child's flush interval. */
    private static final Duration INTERVAL = Duration.ofMillis(200);
    /**
     * Headroom over the interval for a writer thread on a loaded machine (two cores shared by the
     * child's client, its server and other builds): the assertion is that lines reach the file
     * while the process runs, not how fast.
     */
    private static final Duration SCHEDULING_SLACK = Duration.ofSeconds(20);

    private Process child;
    private Path data;

    @AfterEach
    void cleanUp() throws IOException {
        if (child != null) {
            child.destroyForcibly();
        }
        if (data != null) {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void killWhenTheProcessIsKilledMidLoadThenOnlyTheLastIntervalsEventsMayBeMissingAndNoLineIsCut() throws Exception {
        data = Files.createTempDirectory("tollgate-kill");
        child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StreamingServerChild.class.getName(),
                data.toString(), Long.toString(INTERVAL.toMillis()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        child.getOutputStream().close();
        AtomicLong acked = new AtomicLong();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("acked ")) {
                        acked.set(Long.parseLong(line.substring(6)));
                    }
                }
            } catch (IOException ignored) {
                // the child was killed
            }
        });
        Path file = data.resolve("audit").resolve(TokenStreamFiles.ACTIVE);

        long before = awaitAtLeast(acked, 500, Duration.ofSeconds(120));
        // Every event of those answers reaches the file while the process keeps serving: nothing
        // waits for a stop to be written.
        long deadline = System.nanoTime() + INTERVAL.plus(SCHEDULING_SLACK).toNanos();
        while (lineCount(file) < before) {
            if (System.nanoTime() > deadline) {
                fail("only %d of %d acknowledged events in the stream after %s", lineCount(file), before,
                        INTERVAL.plus(SCHEDULING_SLACK));
            }
            Thread.sleep(INTERVAL.toMillis() / 4);   // polling the file, with a deadline
        }
        assertThat(child.isAlive()).isTrue();
        child.destroyForcibly();    // SIGKILL: no shutdown hook, no final flush
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // Every 'acked' line the child printed before it died is read before the count is used: on a
        // loaded machine the reader can be behind the child by dozens of lines at the kill.
        reader.join(Duration.ofSeconds(60));
        assertThat(reader.isAlive()).as("the child's output read to its end").isFalse();

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines.size()).isGreaterThanOrEqualTo((int) before);
        // Written in whole batches: the kill leaves no half line for a SIEM to choke on.
        for (String line : lines) {
            assertThat(JsonParser.parseString(line).getAsJsonObject().get("event").getAsString())
                    .isEqualTo("token.issued");
        }
        assertThat(Files.readString(file)).endsWith("\n");
        // The answers after 'before' kept coming while the file caught up; what the kill took is
        // at most those of the last interval, a small part of the whole.
        assertThat(lines.size()).isLessThanOrEqualTo((int) acked.get() + 1);
    }

    private long awaitAtLeast(AtomicLong acked, long n, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (acked.get() < n) {
            if (!child.isAlive()) {
                fail("the child exited with %d before %d tokens", child.exitValue(), n);
            }
            if (System.nanoTime() > deadline) {
                fail("only %d tokens acknowledged in %s", acked.get(), wait);
            }
            Thread.sleep(50);   // polling the child's count, with a deadline
        }
        return acked.get();
    }

    private static long lineCount(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.count();
        }
    }
}
