package dev.tollgate.server;

import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.store.AuditRepository;
import net.minidev.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Brute-force limits on client authentication over real HTTP, from real source addresses: the
 * whole 127.0.0.0/8 is loopback on Linux, so an {@link HttpClient} bound to 127.0.0.2 (JDK 19+
 * {@code localAddress}) is another source to the server than one on 127.0.0.1.
 *
 * <p>The server's clock is the test's {@link dev.tollgate.testing.TestClock}: it stands still, so
 * a delay lasts until the test moves the clock, and the counts below are exact. The server runs
 * with {@link ClientAuthenticationGuard.Settings#DEFAULTS}.
 */
class BruteForceTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String GRANT = "grant_type=client_credentials";
    private static final ClientAuthenticationGuard.Settings LIMITS = ClientAuthenticationGuard.Settings.DEFAULTS;
    /** Wrong secrets for one client id answered 401 (20 free, and the one that starts the delay). */
    private static final int ANSWERED_BEFORE_THROTTLING = LIMITS.perClientId().freeFailures() + 1;

    private TestServer server;
    private ClientWithSecret attacked;
    private ClientWithSecret other;
    private final List<HttpClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = TestServer.embedded();
        attacked = server.defaultClient();
        other = server.microserviceClient();
    }

    @AfterEach
    void stop() {
        clients.forEach(HttpClient::close);
        server.close();
    }

    @Test
    void wrongSecretsWhenTwoThousandFromOneAddressThenInvalidClientThenTooManyRequestsWhileCorrectClientsGetEveryToken()
            throws Exception {
        HttpClient attacker = from("127.0.0.2");
        HttpClient deployment = from("127.0.0.1");
        // The attacked client's real deployment authenticated before the attack began.
        assertThat(token(deployment, attacked.client().clientId().value(), secret(attacked)).statusCode())
                .isEqualTo(200);

        List<HttpResponse<String>> attack;
        List<Integer> correct;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<HttpResponse<String>>> attacking = threads.submit(() -> {
                List<HttpResponse<String>> answers = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    answers.add(token(attacker, attacked.client().clientId().value(), "wrong-" + i));
                }
                return answers;
            });
            Future<List<Integer>> serving = threads.submit(() -> {
                List<Integer> statuses = new ArrayList<>();
                // Until the attack is over, and 200 tokens for each client at least.
                for (int i = 0; i < 200 || !attacking.isDone(); i++) {
                    statuses.add(token(deployment, attacked.client().clientId().value(), secret(attacked)).statusCode());
                    statuses.add(token(deployment, other.client().clientId().value(), secret(other)).statusCode());
                }
                return statuses;
            });
            attack = attacking.get();
            correct = serving.get();
        }

        assertThat(correct).hasSizeGreaterThanOrEqualTo(400).containsOnly(200);
        assertThat(attack).extracting(HttpResponse::statusCode).doesNotContain(500, 502, 503, 504);
        for (int i = 0; i < attack.size(); i++) {
            HttpResponse<String> answer = attack.get(i);
            if (i < ANSWERED_BEFORE_THROTTLING) {
                assertThat(answer.statusCode()).as("request %d", i + 1).isEqualTo(401);
                assertThat(error(answer)).isEqualTo("invalid_client");
            } else {
                assertTooManyRequests(answer);
            }
        }
        // Throttled guesses reached neither the secret check nor the audit log.
        assertThat(auditEvents("token.refused")).isEqualTo(ANSWERED_BEFORE_THROTTLING);
    }

    @Test
    void attackerWhenItWaitsAsToldThenDelaysDoubleThenRefusedForTheWindowThenMayTryAgain() {
        HttpClient attacker = from("127.0.0.2");
        String id = attacked.client().clientId().value();
        List<Long> waits = new ArrayList<>();
        int failures = 0;
        while (failures < LIMITS.perClientId().refuseAfter()) {
            HttpResponse<String> answer = token(attacker, id, "wrong-" + failures);
            if (answer.statusCode() == 401) {
                failures++;
                continue;
            }
            assertTooManyRequests(answer);
            long wait = retryAfter(answer);
            waits.add(wait);
            server.clock().advance(Duration.ofSeconds(wait));
        }
        assertThat(waits).startsWith(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L);

        // 200 failures: nothing for 15 minutes, however long the attacker waits in between.
        HttpResponse<String> refused = token(attacker, id, "wrong");
        assertTooManyRequests(refused);
        assertThat(retryAfter(refused)).isEqualTo(15 * 60);
        server.clock().advance(Duration.ofMinutes(14));
        assertTooManyRequests(token(attacker, id, secret(attacked)));

        server.clock().advance(Duration.ofMinutes(1));

        HttpResponse<String> again = token(attacker, id, "wrong");
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(error(again)).isEqualTo("invalid_client");
        assertThat(token(attacker, id, secret(attacked)).statusCode()).isEqualTo(200);
    }

    @Test
    void attackWhenOnOneClientIdFromManyAddressesThenFreshAddressesRefusedWhileItsKnownAddressGetsTokens() {
        String id = attacked.client().clientId().value();
        HttpClient deployment = from("127.0.0.1");
        assertThat(token(deployment, id, secret(attacked)).statusCode()).isEqualTo(200);

        List<Integer> statuses = new ArrayList<>();
        for (int host = 3; host <= 20; host++) {
            HttpClient source = from("127.0.0." + host);
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> answer = token(source, id, "wrong-" + host + "-" + i);
                statuses.add(answer.statusCode());
                if (answer.statusCode() == 429) {
                    assertTooManyRequests(answer);
                }
            }
        }

        // Never more than two from one address: the client id's count did it.
        assertThat(statuses.subList(0, ANSWERED_BEFORE_THROTTLING)).containsOnly(401);
        assertThat(statuses.subList(ANSWERED_BEFORE_THROTTLING, statuses.size())).containsOnly(429);
        // A fresh address is refused even with the right secret, which is not even checked ...
        HttpClient fresh = from("127.0.0.21");
        assertTooManyRequests(token(fresh, id, secret(attacked)));
        // ... while the address the client authenticated from, and other clients, carry on.
        assertThat(token(deployment, id, secret(attacked)).statusCode()).isEqualTo(200);
        assertThat(token(fresh, other.client().clientId().value(), secret(other)).statusCode()).isEqualTo(200);
    }

    @Test
    void guessesWhenAtManyClientIdsFromOneAddressThenEveryEndpointAndWireShapeAnswersTooManyRequestsAndMetricsSayThrottled() {
        HttpClient attacker = from("127.0.0.2");
        // Something behind the same address (a NAT) that authenticated before, and keeps working.
        String neighbour = other.client().clientId().value();
        assertThat(token(attacker, neighbour, secret(other)).statusCode()).isEqualTo(200);
        for (int i = 0; i <= LIMITS.perAddress().freeFailures(); i++) {
            assertThat(token(attacker, "made-up-client-" + i, "guess").statusCode()).isEqualTo(401);
        }
        String id = attacked.client().clientId().value();
        String basic = basic(id, secret(attacked));

        // The right secret of a client that never authenticated from here: not even checked.
        assertTooManyRequests(send(attacker, HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", basic).header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT))));
        assertTooManyRequests(send(attacker, HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth/token"))
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT + "&client_id=" + id + "&client_secret="
                        + secret(attacked)))));
        assertTooManyRequests(send(attacker, HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/pam/apps/autheticate/oauth/token-generation"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\",\"client_id\":\""
                        + id + "\",\"client_secret\":\"" + secret(attacked) + "\",\"customer\":\"10001\"}"))));
        assertTooManyRequests(send(attacker, HttpRequest.newBuilder(URI.create(server.issuer() + "/oauth2/introspect"))
                .header("Authorization", basic).header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString("token=x"))));
        assertTooManyRequests(send(attacker, HttpRequest.newBuilder(URI.create(server.issuer() + "/oauth2/revoke"))
                .header("Authorization", basic).header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString("token=x"))));
        assertTooManyRequests(token(attacker, "made-up-client-x", "guess"));
        assertThat(token(attacker, neighbour, secret(other)).statusCode()).isEqualTo(200);
        assertThat(token(from("127.0.0.1"), id, secret(attacked)).statusCode()).isEqualTo(200);

        String metrics = scrape();
        assertThat(value(metrics, "tollgate_tokens_refused_total{client=\"unknown\",reason=\"throttled\",tenant=\""
                + TENANT.value() + "\"}")).isEqualTo(4.0);
        assertThat(value(metrics, "tollgate_client_authentication_throttled_total{endpoint=\"token\",limit=\"address\"}"))
                .isEqualTo(4.0);
        assertThat(value(metrics,
                "tollgate_client_authentication_throttled_total{endpoint=\"introspect\",limit=\"address\"}"))
                .isEqualTo(1.0);
        assertThat(value(metrics, "tollgate_client_authentication_throttled_total{endpoint=\"revoke\",limit=\"address\"}"))
                .isEqualTo(1.0);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private HttpClient from(String address) {
        try {
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .localAddress(InetAddress.getByName(address))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            clients.add(client);
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> token(HttpClient http, String clientId, String secret) {
        return send(http, HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", basic(clientId, secret))
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT)));
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertTooManyRequests(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
        assertThat(retryAfter(answer)).isPositive();
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(error(answer)).isEqualTo("temporarily_unavailable");
    }

    private static long retryAfter(HttpResponse<String> answer) {
        return Long.parseLong(answer.headers().firstValue("Retry-After").orElseThrow());
    }

    private static String error(HttpResponse<String> answer) {
        try {
            JSONObject json = JSONObjectUtils.parse(answer.body());
            return (String) json.get("error");
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new AssertionError("not a JSON object: " + answer.body(), e);
        }
    }

    private static String secret(ClientWithSecret client) {
        return client.secret().reveal();
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private int auditEvents(String action) {
        // The audit writer commits in groups; the answered requests' events are written by now.
        return server.app().store().audit()
                .query(TENANT, new AuditRepository.Filter(null, null, action, null, null), 0, 100_000).size();
    }

    private String scrape() {
        return server.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + "/metrics"))
                .GET().build()).body();
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(series + " in\n" + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
