package dev.tollgate.server;

import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.server.config.TrustedProxies;
import net.minidev.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Brute-force limits on client authentication over real HTTP on 127.0.0.1. The server trusts
 * 127.0.0.1 as a reverse proxy ({@code http.trusted-proxies}), so each request's
 * {@code X-Forwarded-For} is its source address: the attacker, the client's usual deployment, a
 * fresh address.
 *
 * <p>Issue 11, point 4: a correct secret is never refused, from any address, so knowing a client
 * id (it is in every token) is not enough to lock the client out; an address that keeps failing
 * gets 429 for its failures.
 *
 * <p>The server's clock is the test's {@link dev.tollgate.testing.TestClock}: it stands still, so
 * a delay lasts until the test moves the clock, and the counts below are exact. The server runs
 * with {@link ClientAuthenticationGuard.Settings#DEFAULTS}.
 */
class BruteForceTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String GRANT = "grant_type=client_credentials";
    private static final ClientAuthenticationGuard.Settings LIMITS = ClientAuthenticationGuard.Settings.DEFAULTS;
    /** Wrong secrets from one address answered 401 (100 free, and the one that starts the delay). */
    private static final int ANSWERED_BEFORE_THROTTLING = LIMITS.perAddress().freeFailures() + 1;
    private static final String ATTACKER = "203.0.113.7";
    private static final String DEPLOYMENT = "198.51.100.10";

    private TestServer server;
    private ClientWithSecret attacked;
    private ClientWithSecret other;

    @BeforeEach
    void start() {
        // Committed: the test reads the refusals back from the store's audit log.
        server = TestServer.embedded(b -> b.trustedProxies(TrustedProxies.of(List.of("127.0.0.1")))
                .tokenAudit(dev.tollgate.server.ops.TokenAudit.Mode.COMMITTED));
        attacked = server.defaultClient();
        other = server.microserviceClient();
        server.letDefaultClientIntrospect();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void correctSecretWhenItsClientIdWasAttackedFromAnotherAddressThenATokenFromEveryAddressEveryTime() {
        String id = attacked.client().clientId().value();
        for (int i = 0; i < 400; i++) {
            HttpResponse<String> answer = token(ATTACKER, id, "wrong-" + i);
            if (i < ANSWERED_BEFORE_THROTTLING) {
                assertThat(answer.statusCode()).as("guess %d", i + 1).isEqualTo(401);
            } else {
                assertTooManyRequests(answer);
            }
        }

        // The old per-client-id limit answered these 429 after 21 guesses; and a restart forgot
        // the deployment's address, which was all that still let it in.
        for (int i = 0; i < 30; i++) {
            assertThat(token("192.0.2." + (i + 1), id, secret(attacked)).statusCode()).as("fresh address").isEqualTo(200);
            assertThat(token(DEPLOYMENT, id, secret(attacked)).statusCode()).as("usual address").isEqualTo(200);
            // Even from the attacking address: the secret is checked first, and it is right.
            assertThat(token(ATTACKER, id, secret(attacked)).statusCode()).as("attacking address").isEqualTo(200);
            assertTooManyRequests(token(ATTACKER, id, "wrong"));
        }
    }

    @Test
    void correctSecretWhenOneGuessAMinuteFromFreshAddressesThenEveryLegitimateRequestGetsAToken() {
        String id = attacked.client().clientId().value();
        int served = 0;
        for (int minute = 0; minute < 30; minute++) {
            assertThat(token("192.0.2." + (minute + 1), id, "wrong-" + minute).statusCode()).isEqualTo(401);
            for (int i = 0; i < 30; i++) {
                served += token("198.51.100." + (i + 1), id, secret(attacked)).statusCode() == 200 ? 1 : 0;
            }
            server.clock().advance(Duration.ofMinutes(1));
        }
        assertThat(served).isEqualTo(30 * 30);
    }

    @Test
    void wrongSecretsWhenFromOneAddressThenInvalidClientThenTooManyRequestsNotAuditedWhileOthersAreServed() {
        String id = attacked.client().clientId().value();
        for (int i = 0; i < 2 * ANSWERED_BEFORE_THROTTLING; i++) {
            HttpResponse<String> answer = token(ATTACKER, id, "wrong-" + i);
            if (i < ANSWERED_BEFORE_THROTTLING) {
                assertThat(answer.statusCode()).as("request %d", i + 1).isEqualTo(401);
                assertThat(error(answer)).isEqualTo("invalid_client");
            } else {
                assertTooManyRequests(answer);
            }
            assertThat(token(DEPLOYMENT, other.client().clientId().value(), secret(other)).statusCode()).isEqualTo(200);
        }
        // Throttled failures reached the secret check but not the audit log.
        assertThat(auditEvents("token.refused")).isEqualTo(ANSWERED_BEFORE_THROTTLING);
        // Another address's failures are answered as they are.
        assertThat(token(DEPLOYMENT, id, "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void attackerWhenItWaitsAsToldThenDelaysDoubleThenRefusedForTheWindowThenAnsweredAgain() {
        String id = attacked.client().clientId().value();
        List<Long> waits = new ArrayList<>();
        int answered = 0;
        while (answered < LIMITS.perAddress().refuseAfter()) {
            HttpResponse<String> answer = token(ATTACKER, id, "wrong-" + answered);
            if (answer.statusCode() == 401) {
                answered++;
                continue;
            }
            assertTooManyRequests(answer);
            long wait = retryAfter(answer);
            waits.add(wait);
            server.clock().advance(Duration.ofSeconds(wait));
        }
        assertThat(waits).startsWith(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L);

        HttpResponse<String> refused = token(ATTACKER, id, "wrong");
        assertTooManyRequests(refused);
        assertThat(retryAfter(refused)).isEqualTo(15 * 60);
        assertThat(token(ATTACKER, id, secret(attacked)).statusCode()).isEqualTo(200);

        server.clock().advance(Duration.ofMinutes(15));

        HttpResponse<String> again = token(ATTACKER, id, "wrong");
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(error(again)).isEqualTo("invalid_client");
    }

    @Test
    void guessesWhenFromOneAddressThenEveryEndpointAndWireShapeAnswersFailuresTooManyRequestsAndRightSecretsAsUsual() {
        for (int i = 0; i < ANSWERED_BEFORE_THROTTLING; i++) {
            assertThat(token(ATTACKER, "made-up-client-" + i, "guess").statusCode()).isEqualTo(401);
        }
        String id = attacked.client().clientId().value();
        String wrong = basic(id, "wrong");
        String right = basic(id, secret(attacked));

        assertTooManyRequests(send(ATTACKER, HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth/token"))
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT + "&client_id=" + id + "&client_secret=wrong"))));
        assertTooManyRequests(send(ATTACKER, HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/pam/apps/autheticate/oauth/token-generation"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\",\"client_id\":\""
                        + id + "\",\"client_secret\":\"wrong\",\"customer\":\"10001\"}"))));
        assertTooManyRequests(send(ATTACKER, introspect(wrong)));
        assertTooManyRequests(send(ATTACKER, revoke(wrong)));
        assertTooManyRequests(token(ATTACKER, "made-up-client-x", "guess"));

        assertThat(send(ATTACKER, HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth/token"))
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT + "&client_id=" + id + "&client_secret="
                        + secret(attacked)))).statusCode()).isEqualTo(200);
        assertThat(send(ATTACKER, introspect(right)).statusCode()).isEqualTo(200);
        assertThat(send(ATTACKER, revoke(right)).statusCode()).isEqualTo(200);

        String metrics = scrape();
        assertThat(value(metrics, "tollgate_tokens_refused_total{client=\"unknown\",reason=\"throttled\",tenant=\""
                + TENANT.value() + "\"}")).isEqualTo(3.0);
        assertThat(value(metrics, "tollgate_client_authentication_throttled_total{endpoint=\"token\",limit=\"address\"}"))
                .isEqualTo(3.0);
        assertThat(value(metrics,
                "tollgate_client_authentication_throttled_total{endpoint=\"introspect\",limit=\"address\"}"))
                .isEqualTo(1.0);
        assertThat(value(metrics, "tollgate_client_authentication_throttled_total{endpoint=\"revoke\",limit=\"address\"}"))
                .isEqualTo(1.0);
        // Per client, for alerts: the four failures that named the attacked client, at every endpoint.
        assertThat(value(metrics, "tollgate_client_authentication_failures_total{client=\"" + id + "\",tenant=\""
                + TENANT.value() + "\"}")).isEqualTo(4.0);
        assertThat(value(metrics, "tollgate_client_authentication_failures_total{client=\"unknown\",tenant=\""
                + TENANT.value() + "\"}")).isEqualTo(ANSWERED_BEFORE_THROTTLING + 1.0);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private HttpRequest.Builder introspect(String authorization) {
        return HttpRequest.newBuilder(URI.create(server.issuer() + "/oauth2/introspect"))
                .header("Authorization", authorization).header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString("token=x"));
    }

    private HttpRequest.Builder revoke(String authorization) {
        return HttpRequest.newBuilder(URI.create(server.issuer() + "/oauth2/revoke"))
                .header("Authorization", authorization).header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString("token=x"));
    }

    private HttpResponse<String> token(String from, String clientId, String secret) {
        return send(from, HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", basic(clientId, secret))
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT)));
    }

    /** From {@code from} as the trusted proxy on 127.0.0.1 forwards it. */
    private HttpResponse<String> send(String from, HttpRequest.Builder request) {
        return server.send(request.header("X-Forwarded-For", from).timeout(Duration.ofSeconds(10)).build());
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
