package dev.tollgate.server.ops;

import com.nimbusds.jose.shaded.gson.JsonObject;
import com.nimbusds.jose.shaded.gson.JsonParser;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit stream's writer and files, without a server: lines, close, a full queue, rotation, retention. */
class TokenEventStreamTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final Instant NOON = Instant.parse("2026-12-03T12:00:00Z");

    @TempDir
    Path dir;

    private final TestClock clock = TestClock.at(NOON);

    private static TokenEvent issued(int n) {
        return new TokenEvent(NOON.plusMillis(n), TENANT, "billing", "jti-" + n, "read write", List.of("api"),
                "10.0.0.7", true, null, null);
    }

    private List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private List<Path> rotated() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !p.getFileName().toString().equals(TokenStreamFiles.ACTIVE)).sorted().toList();
        }
    }

    @Test
    void writeLineWhenIssuedOrRefusedThenEveryFieldUnderItsStableName() {
        JsonObject issued = JsonParser.parseString(new String(issued(5).line(), StandardCharsets.UTF_8)).getAsJsonObject();
        JsonObject refused = JsonParser.parseString(new String(new TokenEvent(NOON, TENANT, null, null, null, null,
                "::1", false, "invalid_client", "wrong_secret").line(), StandardCharsets.UTF_8)).getAsJsonObject();

        assertThat(issued.keySet()).containsExactly("time", "event", "tenant", "client", "jti", "scope", "audience",
                "address", "outcome", "error", "reason");
        assertThat(issued.get("time").getAsString()).isEqualTo("2026-12-03T12:00:00.005Z");
        assertThat(issued.get("event").getAsString()).isEqualTo("token.issued");
        assertThat(issued.get("audience").getAsJsonArray().get(0).getAsString()).isEqualTo("api");
        assertThat(issued.get("outcome").getAsString()).isEqualTo("issued");
        assertThat(refused.keySet()).isEqualTo(issued.keySet());
        assertThat(refused.get("client").isJsonNull()).isTrue();
        assertThat(refused.get("error").getAsString()).isEqualTo("invalid_client");
        assertThat(refused.get("reason").getAsString()).isEqualTo("wrong_secret");
    }

    @Test
    void writeLineWhenValuesHoldQuotesAndControlCharactersThenOneParseableLine() {
        byte[] line = new TokenEvent(NOON, TENANT, "a\"b\\c", "x\ny", "s\u0001\u2028", List.of("\t"), null, true,
                null, null).line();
        String text = new String(line, StandardCharsets.UTF_8);

        assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);
        JsonObject parsed = JsonParser.parseString(text).getAsJsonObject();
        assertThat(parsed.get("client").getAsString()).isEqualTo("a\"b\\c");
        assertThat(parsed.get("jti").getAsString()).isEqualTo("x\ny");
        assertThat(parsed.get("scope").getAsString()).isEqualTo("s\u0001\u2028");
    }

    @Test
    void closeWhenEventsAreQueuedThenEveryOneIsWrittenBeforeItReturns() throws IOException {
        TokenEventStream stream = TokenEventStream.open(TokenEventStream.Settings.files(dir), dir, clock);
        for (int i = 0; i < 5_000; i++) {
            assertThat(stream.offer(issued(i))).isTrue();
        }
        stream.close();

        List<String> lines = lines(dir.resolve(TokenStreamFiles.ACTIVE));
        assertThat(lines).hasSize(5_000);
        assertThat(lines.get(4_999)).contains("\"jti\":\"jti-4999\"");
        assertThat(stream.written()).isEqualTo(5_000);
        assertThat(stream.offer(issued(1))).isFalse();
    }

    @Test
    void offerWhenTheQueueIsFullThenDroppedAndCountedWithoutWaiting() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> written = new ArrayList<>();
        TokenEventStream.Sink stuck = new TokenEventStream.Sink() {
            @Override
            public void write(ByteBuffer lines) throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                written.add(StandardCharsets.UTF_8.decode(lines).toString());
            }

            @Override
            public void close() {
            }
        };
        TokenEventStream stream = new TokenEventStream(stuck, Duration.ofMillis(10), 16);
        int accepted = 0;
        for (int i = 0; i < 200; i++) {
            accepted += stream.offer(issued(i)) ? 1 : 0;
        }
        release.countDown();
        stream.close();

        assertThat(stream.dropped()).isEqualTo(200 - accepted).isPositive();
        assertThat(String.join("", written).lines()).hasSize(accepted);
    }

    @Test
    void writeWhenTheFileWouldPassItsSizeThenRotatedAndANewFileStarted() throws IOException {
        TokenStreamFiles files = new TokenStreamFiles(dir, clock, 1024, 10, Duration.ofDays(1));
        byte[] line = issued(1).line();
        int perFile = 1024 / line.length;
        for (int i = 0; i < perFile * 3; i++) {
            files.write(ByteBuffer.wrap(line));
            clock.advance(Duration.ofMillis(1));
        }
        files.close();

        List<Path> rotated = rotated();
        assertThat(rotated).hasSize(2);
        for (Path p : rotated) {
            assertThat(p.getFileName().toString()).matches("tokens-20261203T12000\\d\\.\\d{3}Z\\.jsonl");
            assertThat(Files.size(p)).isLessThanOrEqualTo(1024);
            assertThat(lines(p)).hasSize(perFile);
        }
        assertThat(lines(dir.resolve(TokenStreamFiles.ACTIVE))).hasSize(perFile);
    }

    @Test
    void writeWhenTheUtcDayChangesThenYesterdaysFileIsRotated() throws IOException {
        TokenStreamFiles files = new TokenStreamFiles(dir, clock, 1 << 20, 10, Duration.ofDays(30));
        files.write(ByteBuffer.wrap(issued(1).line()));
        clock.set(Instant.parse("2026-12-04T00:00:01Z"));
        files.write(ByteBuffer.wrap(issued(2).line()));
        files.close();

        assertThat(rotated()).singleElement().satisfies(p -> {
            assertThat(p.getFileName().toString()).startsWith("tokens-20261204T000001");
            assertThat(lines(p)).singleElement().asString().contains("jti-1");
        });
        assertThat(lines(dir.resolve(TokenStreamFiles.ACTIVE))).singleElement().asString().contains("jti-2");
    }

    @Test
    void rotateWhenMoreFilesThanKeptThenTheOldestAreDeleted() throws IOException {
        TokenStreamFiles files = new TokenStreamFiles(dir, clock, 1024, 3, Duration.ofDays(30));
        byte[] big = new byte[1000];
        java.util.Arrays.fill(big, (byte) 'x');
        for (int i = 0; i < 6; i++) {
            files.write(ByteBuffer.wrap(big));
            clock.advance(Duration.ofSeconds(1));
        }
        files.close();

        // Six writes: five rotations, of which the three newest are kept.
        assertThat(rotated()).extracting(p -> p.getFileName().toString()).containsExactly(
                "tokens-20261203T120003.000Z.jsonl", "tokens-20261203T120004.000Z.jsonl",
                "tokens-20261203T120005.000Z.jsonl");
    }

    @Test
    void rotateWhenRotatedFilesArePastTheRetentionThenTheyAreDeleted() throws IOException {
        Files.writeString(dir.resolve("tokens-20261120T000000.000Z.jsonl"), "{}\n");
        Files.writeString(dir.resolve("tokens-20261202T130000.000Z.jsonl"), "{}\n");
        Files.writeString(dir.resolve("unrelated.txt"), "kept");

        new TokenStreamFiles(dir, clock, 1024, 10, Duration.ofDays(1)).close();

        assertThat(rotated()).extracting(p -> p.getFileName().toString())
                .containsExactly("tokens-20261202T130000.000Z.jsonl", "unrelated.txt");
    }
}
