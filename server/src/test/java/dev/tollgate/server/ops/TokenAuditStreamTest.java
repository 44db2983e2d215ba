package dev.tollgate.server.ops;

import com.nimbusds.jose.shaded.gson.JsonObject;
import com.nimbusds.jose.shaded.gson.JsonParser;
import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.core.store.TokenCountRepository;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.Tollgate;
import dev.tollgate.server.TollgateServer;
import dev.tollgate.store.StoreConfig;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The token audit's default mode over HTTP, on both stores: a concurrent burst of issued and
 * refused tokens leaves one stream line per event (after the burst, and after a graceful stop),
 * counts that add up exactly, and neither a secret nor a token in the stream.
 */
class TokenAuditStreamTest {

    private static final int THREADS = 8;
    private static final int ISSUED_EACH = 40;
    private static final int WRONG_SECRET_EACH = 5;
    private static final int UNKNOWN_CLIENT_EACH = 5;
    private static final int EVENTS = THREADS * (ISSUED_EACH + WRONG_SECRET_EACH + UNKNOWN_CLIENT_EACH);

    private TestServer server;
    private final Queue<String> accessTokens = new ConcurrentLinkedQueue<>();

    private void start(TestServer.Kind kind) {
        // The burst's wrong secrets all come from 127.0.0.1: let them all be answered 401, and audited.
        server = TestServer.start(kind, b -> b.bruteForce(new ClientAuthenticationGuard.Settings(
                new FailureLimiter.Settings(100_000, Duration.ofSeconds(1), Duration.ofSeconds(1), 200_000,
                        Duration.ofMinutes(1), 1000))));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestServer.Kind.class)
    void burstWhenTokensAreIssuedAndRefusedConcurrentlyThenOneLineEachExactCountsAndNoSecretOrToken(TestServer.Kind kind)
            throws Exception {
        start(kind);
        burst();

        awaitWritten(EVENTS);
        List<JsonObject> lines = lines();
        assertThat(lines).hasSize(EVENTS);
        assertEvents(lines, 1);
        server.app().tokenCounters().flush();
        assertCounts(1);
        assertNoSecretOrToken();
    }

    @ParameterizedTest
    @EnumSource(TestServer.Kind.class)
    void stopWhenGracefulRightAfterABurstThenEveryEventIsInTheStreamAndEveryTokenCounted(TestServer.Kind kind)
            throws Exception {
        start(kind);
        burst();
        server.restart();   // no flush asked for: the stop writes the stream's queue and adds the counts
        burst();
        server.restart();

        List<JsonObject> lines = lines();
        assertThat(lines).hasSize(2 * EVENTS);
        assertEvents(lines, 2);
        assertCounts(2);
        assertNoSecretOrToken();
    }

    @Test
    void startWhenTheStreamDirectoryCannotBeCreatedThenTheStartFailsAndALaterStartWorks(@TempDir Path dir)
            throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("taken"), "a file");
        ServerConfig bad = ServerConfig.builder().port(0).managementPort(0)
                .store(StoreConfig.embedded(dir.resolve("store"))).defaultTenant(TestServer.TENANT)
                .tokenStream(TokenEventStream.Settings.files(notADirectory.resolve("audit"))).build();
        try (Tollgate app = Tollgate.open(bad, TestClock.startingNow())) {
            assertThatThrownBy(() -> TollgateServer.start(app, bad)).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("token audit stream");

            ServerConfig good = bad.toBuilder().tokenStream(TokenEventStream.Settings.files(dir.resolve("audit")))
                    .build();
            try (TollgateServer started = TollgateServer.start(app, good)) {
                assertThat(started.tokenStream()).isNotNull();
                assertThat(dir.resolve("audit")).isDirectory();
            }
        }
    }

    private void burst() throws Exception {
        String id = server.defaultClient().client().clientId().value();
        String secret = server.defaultClient().secret().reveal();
        URI endpoint = server.tokenEndpoint();
        CountDownLatch go = new CountDownLatch(1);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < ISSUED_EACH; i++) {
                        HttpResponse<String> answer = http.send(request(endpoint, id, secret),
                                HttpResponse.BodyHandlers.ofString());
                        assertThat(answer.statusCode()).isEqualTo(200);
                        accessTokens.add(JsonParser.parseString(answer.body()).getAsJsonObject()
                                .get("access_token").getAsString());
                    }
                    for (int i = 0; i < WRONG_SECRET_EACH; i++) {
                        assertThat(http.send(request(endpoint, id, "wrong-" + secret), HttpResponse.BodyHandlers
                                .ofString()).statusCode()).isEqualTo(401);
                    }
                    for (int i = 0; i < UNKNOWN_CLIENT_EACH; i++) {
                        // A secret pasted into the id: refused, and its text never written.
                        assertThat(http.send(request(endpoint, secret, "x"), HttpResponse.BodyHandlers.ofString())
                                .statusCode()).isEqualTo(401);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    private static HttpRequest request(URI endpoint, String id, String secret) {
        return HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (id + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
    }

    /** Waits for the writer, which writes within its flush interval, to have handed every event to the OS. */
    private void awaitWritten(long events) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.tokenStream().written() < events && System.nanoTime() < deadline) {
            Thread.sleep(10);   // polling a condition, with a deadline; not a wait standing in for one
        }
        assertThat(server.tokenStream().written()).isEqualTo(events);
    }

    private Path file() {
        return server.tokenStreamDirectory().resolve("tokens.jsonl");
    }

    private List<JsonObject> lines() throws IOException {
        return Files.readAllLines(file()).stream().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }

    private void assertEvents(List<JsonObject> lines, int bursts) {
        String id = server.defaultClient().client().clientId().value();
        List<JsonObject> issued = lines.stream().filter(l -> l.get("event").getAsString().equals("token.issued")).toList();
        assertThat(issued).hasSize(bursts * THREADS * ISSUED_EACH)
                .allSatisfy(l -> {
                    assertThat(l.get("client").getAsString()).isEqualTo(id);
                    assertThat(l.get("tenant").getAsString()).isEqualTo(TestServer.TENANT.value());
                    assertThat(l.get("jti").getAsString()).isNotBlank();
                    assertThat(l.get("address").getAsString()).isNotBlank();
                });
        assertThat(issued.stream().map(l -> l.get("jti").getAsString()).distinct()).hasSize(issued.size());
        List<JsonObject> refused = lines.stream().filter(l -> l.get("outcome").getAsString().equals("refused")).toList();
        assertThat(refused).hasSize(bursts * THREADS * (WRONG_SECRET_EACH + UNKNOWN_CLIENT_EACH))
                .allSatisfy(l -> assertThat(l.get("error").getAsString()).isEqualTo("invalid_client"));
        assertThat(refused.stream().filter(l -> l.get("client").isJsonNull()))
                .hasSize(bursts * THREADS * UNKNOWN_CLIENT_EACH);
    }

    private void assertCounts(int bursts) {
        String id = server.defaultClient().client().clientId().value();
        assertThat(counted(id, TokenCountRepository.Outcome.ISSUED)).isEqualTo((long) bursts * THREADS * ISSUED_EACH);
        assertThat(counted(id, TokenCountRepository.Outcome.REFUSED))
                .isEqualTo((long) bursts * THREADS * WRONG_SECRET_EACH);
        assertThat(counted(TokenCountRepository.NO_CLIENT, TokenCountRepository.Outcome.REFUSED))
                .isEqualTo((long) bursts * THREADS * UNKNOWN_CLIENT_EACH);
    }

    private long counted(String client, TokenCountRepository.Outcome outcome) {
        Instant now = server.clock().instant();
        long sum = 0;
        for (long n : server.app().store().tokenCounts().perBucket(TestServer.TENANT, client, outcome,
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)), Duration.ofHours(1))) {
            sum += n;
        }
        return sum;
    }

    private void assertNoSecretOrToken() throws IOException {
        String text = Files.readString(file());
        assertThat(text).doesNotContain(server.defaultClient().secret().reveal());
        assertThat(accessTokens).isNotEmpty();
        for (String token : accessTokens) {
            assertThat(text).doesNotContain(token);
            // Not even the signature alone.
            assertThat(text).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
        }
    }
}
