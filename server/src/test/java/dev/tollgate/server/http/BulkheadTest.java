package dev.tollgate.server.http;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** A request past the permits is refused at once, in the endpoint's words, while the others run on. */
class BulkheadTest {

    private static final int PERMITS = 3;

    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private WebServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop();
        }
    }

    private int start(Bulkhead bulkhead) {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(HttpRouting.builder().get("/work", bulkhead.guard((req, res) -> {
                    release.await();
                    res.send("done");
                })))
                .build().start();
        return server.port();
    }

    private List<CompletableFuture<HttpResponse<String>>> fill(Bulkhead bulkhead, URI uri) throws InterruptedException {
        List<CompletableFuture<HttpResponse<String>>> inProgress = new ArrayList<>();
        for (int i = 0; i < PERMITS; i++) {
            inProgress.add(http.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
        }
        // Waits for a state, not for time: the handlers hold every permit once they have all started.
        while (bulkhead.available() > 0) {
            Thread.onSpinWait();
        }
        return inProgress;
    }

    @Test
    void requestWhenEveryAdminPermitIsTakenThen429WithRetryAfterAndTheOthersFinish() throws Exception {
        Bulkhead bulkhead = Bulkhead.admin(PERMITS);
        URI uri = URI.create("http://127.0.0.1:" + start(bulkhead) + "/work");
        List<CompletableFuture<HttpResponse<String>>> inProgress = fill(bulkhead, uri);

        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.body()).contains("\"error\":\"too_many_requests\"");
        release.countDown();
        for (CompletableFuture<HttpResponse<String>> response : inProgress) {
            assertThat(response.join().statusCode()).isEqualTo(200);
        }
        assertThat(bulkhead.available()).isEqualTo(PERMITS);
        assertThat(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void requestWhenEveryOAuthPermitIsTakenThen503TemporarilyUnavailableInOAuthWords() throws Exception {
        Bulkhead bulkhead = Bulkhead.oauth(PERMITS);
        URI uri = URI.create("http://127.0.0.1:" + start(bulkhead) + "/work");
        fill(bulkhead, uri);

        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(refused.body()).contains("\"error\":\"temporarily_unavailable\"");
    }

    @Test
    void requestWhenTheHandlerThrowsThenItsPermitIsGivenBack() throws Exception {
        Bulkhead bulkhead = Bulkhead.oauth(1);
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(HttpRouting.builder().get("/fail", bulkhead.guard((req, res) -> {
                    throw new IllegalStateException("boom");
                })))
                .build().start();
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/fail");

        for (int i = 0; i < 3; i++) {
            assertThat(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(500);
        }
        assertThat(bulkhead.available()).isEqualTo(1);
    }
}
