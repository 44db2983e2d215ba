package dev.tollgate.server.http;

import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.server.CapturedLogs;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.config.TrustedProxies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code http.trusted-proxies} over real HTTP on 127.0.0.1: X-Forwarded-For changes the address
 * the brute-force limits count and the audit records only when the peer (here 127.0.0.1) is a
 * trusted proxy, and a malformed header falls back to the peer.
 */
class TrustedProxiesHttpTest {

    /** After one failure from an address, that address's failures are answered 429. */
    private static final ClientAuthenticationGuard.Settings ONE_STRIKE = new ClientAuthenticationGuard.Settings(
            new FailureLimiter.Settings(0, Duration.ofSeconds(1), Duration.ofSeconds(60), 1, Duration.ofMinutes(15),
                    1000));

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void forwardedForWhenNoProxyIsTrustedThenTheThrottleAndTheAuditSeeThePeer() {
        server = TestServer.embedded(b -> b.bruteForce(ONE_STRIKE));

        assertThat(wrongSecret("203.0.113.9").statusCode()).isEqualTo(401);
        // A different forged address does not escape the peer's count.
        assertThat(wrongSecret("203.0.113.10").statusCode()).isEqualTo(429);
        assertThat(streamedAddresses()).containsExactly("127.0.0.1");
    }

    @Test
    void forwardedForWhenThePeerIsATrustedProxyThenTheThrottleAndTheAuditSeeTheForwardedClient() {
        server = TestServer.embedded(b -> b.bruteForce(ONE_STRIKE)
                .trustedProxies(TrustedProxies.of(List.of("127.0.0.1"))));

        assertThat(wrongSecret("198.51.100.1, 203.0.113.9").statusCode()).isEqualTo(401);
        // Another client behind the same proxy is counted on its own ...
        assertThat(wrongSecret("203.0.113.10").statusCode()).isEqualTo(401);
        // ... and the first one, whatever it prepends, is still refused.
        assertThat(wrongSecret("192.0.2.200, 203.0.113.9").statusCode()).isEqualTo(429);
        assertThat(streamedAddresses()).containsExactly("203.0.113.9", "203.0.113.10");
    }

    @Test
    void accessLogWhenThePeerIsATrustedProxyThenItWritesTheForwardedClient() throws InterruptedException {
        server = TestServer.embedded(b -> b.trustedProxies(TrustedProxies.of(List.of("127.0.0.1"))));
        try (CapturedLogs capture = CapturedLogs.everythingAtTrace()) {
            wrongSecret("203.0.113.9");

            assertThat(capture.awaitAccessLines(1)).singleElement().asString()
                    .contains("\"address\":\"203.0.113.9\"");
        }
    }

    @Test
    void accessLogWhenNoProxyIsTrustedThenItWritesThePeer() throws InterruptedException {
        server = TestServer.embedded(b -> b);
        try (CapturedLogs capture = CapturedLogs.everythingAtTrace()) {
            wrongSecret("203.0.113.9");

            assertThat(capture.awaitAccessLines(1)).singleElement().asString()
                    .contains("\"address\":\"127.0.0.1\"");
        }
    }

    @Test
    void forwardedForWhenMalformedFromATrustedProxyThenThePeerCountsAndNothingFails() {
        server = TestServer.embedded(b -> b.bruteForce(ONE_STRIKE)
                .trustedProxies(TrustedProxies.of(List.of("127.0.0.0/8"))));

        for (String garbage : List.of("not-an-ip", "203.0.113.9, unknown", "999.1.1.1", ",,,", "[::1", "a".repeat(2000))) {
            HttpResponse<String> answer = wrongSecret(garbage);
            assertThat(answer.statusCode()).as(garbage).isIn(401, 429);
        }
        // The peer's own count is what the garbage fed.
        assertThat(wrongSecret(null).statusCode()).isEqualTo(429);
        assertThat(streamedAddresses()).isNotEmpty().containsOnly("127.0.0.1");
    }

    private HttpResponse<String> wrongSecret(String forwardedFor) {
        String clientId = server.defaultClient().client().clientId().value();
        HttpRequest.Builder request = HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (clientId + ":not-the-secret").getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return server.send(request.build());
    }

    /**
     * The addresses of the token audit stream's events, oldest first (throttled refusals are not
     * audited); after a graceful stop, which writes every queued event.
     */
    private List<String> streamedAddresses() {
        server.restart();
        try {
            return java.nio.file.Files.readAllLines(server.tokenStreamDirectory().resolve("tokens.jsonl")).stream()
                    .map(line -> com.nimbusds.jose.shaded.gson.JsonParser.parseString(line).getAsJsonObject()
                            .get("address").getAsString())
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
