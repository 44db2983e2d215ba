package dev.tollgate.server;

import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.seal.KeyEncryptionKeyFile;
import dev.tollgate.core.store.FailureCountRepository;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.token.TokenRefusal;
import dev.tollgate.server.config.TrustedProxies;
import dev.tollgate.store.JdbcStore;
import dev.tollgate.store.PostgresTestDatabase;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, point 8: the per-address brute-force limit counts the failures of every node that
 * shares the PostgreSQL store, not one node's, so an attacker spreading guesses over N nodes
 * behind a load balancer is slowed after the configured number, not after N times it.
 */
class SharedBruteForceLimitTest {

    private static final String ATTACKER = "203.0.113.7";
    /** 10 free failures, then 1 s doubling; the test clock stands still, so a delay lasts until it moves. */
    private static final ClientAuthenticationGuard.Settings LIMITS = new ClientAuthenticationGuard.Settings(
            new FailureLimiter.Settings(10, Duration.ofSeconds(1), Duration.ofSeconds(60), 30,
                    Duration.ofMinutes(15), 1_000));
    private static final TokenRefusal WRONG_SECRET = TokenRefusal.invalidClient(TokenRefusal.Reason.WRONG_SECRET);
    private static final int FREE = LIMITS.perAddress().freeFailures();

    private final TestClock clock = TestClock.startingNow();
    @TempDir
    Path temp;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    @Test
    void failuresWhenSpreadOverTwoNodesThenTheAddressIsSlowedOnBothAfterTheConfiguredNumberInAll() {
        PostgresTestDatabase database = PostgresTestDatabase.create();
        closing.add(database);
        ClientAuthenticationGuard a = guard(database);
        ClientAuthenticationGuard b = guard(database);

        // The free failures, half on each node, each node sharing after its own.
        for (int i = 0; i < FREE / 2; i++) {
            assertThat(fail(a)).as("failure %d on a", i + 1).isFalse();
            assertThat(fail(b)).as("failure %d on b", i + 1).isFalse();
        }
        a.shareFailures();
        b.shareFailures();
        a.shareFailures();
        // The cluster's 11th failure starts the delay (answered as it is), wherever it lands.
        assertThat(fail(a)).isFalse();
        a.shareFailures();
        b.shareFailures();

        assertThat(fail(b)).as("b, whose own count is %d", FREE / 2).isTrue();
        assertThat(fail(a)).isTrue();
    }

    @Test
    void failuresWhenNotYetSharedThenEachNodeCountsOnlyItsOwnUntilTheNextFlush() {
        PostgresTestDatabase database = PostgresTestDatabase.create();
        closing.add(database);
        ClientAuthenticationGuard a = guard(database);
        ClientAuthenticationGuard b = guard(database);

        // The batch approximation: between flushes, b knows nothing of a's failures.
        for (int i = 0; i <= FREE; i++) {
            assertThat(fail(a)).isFalse();
        }
        assertThat(fail(a)).isTrue();
        assertThat(fail(b)).as("b before any flush").isFalse();

        a.shareFailures();
        b.shareFailures();

        assertThat(fail(b)).as("b after a's flush and its own").isTrue();
    }

    @Test
    void tokenEndpointWhenGuessesSpreadOverTwoServersThenTheSecondSlowsTheAddressBeforeItsOwnFreeFailuresRunOut() {
        TestServer first = TestServer.postgres(b -> b.bruteForce(LIMITS)
                .trustedProxies(TrustedProxies.of(List.of("127.0.0.1"))));
        closing.add(first);
        TestServer second = TestServer.alongside(first, b -> b.bruteForce(LIMITS)
                .trustedProxies(TrustedProxies.of(List.of("127.0.0.1"))));
        closing.add(second);
        ClientWithSecret client = first.defaultClient();

        for (int i = 0; i <= FREE; i++) {
            assertThat(wrongSecret(first, client).statusCode()).as("failure %d on the first server", i + 1)
                    .isEqualTo(401);
        }
        assertThat(wrongSecret(first, client).statusCode()).isEqualTo(429);

        // Each server shares every second; the second one's own count would allow FREE + 1 answered
        // failures before it slowed the address. Paced at one guess per second, it learns sooner.
        int answeredBySecond = 0;
        HttpResponse<String> answer;
        while ((answer = wrongSecret(second, client)).statusCode() == 401) {
            answeredBySecond++;
            assertThat(answeredBySecond).as("failures the second server answered 401").isLessThan(FREE + 1);
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(first.app().store().clientAuthFailures().over(FREE, clock.instant().minusSeconds(1), 10))
                .extracting(FailureCountRepository.Failures::source).containsExactly(ATTACKER);
        // The right secret is never refused, on either server.
        assertThat(token(second, client, client.secret().reveal()).statusCode()).isEqualTo(200);
    }

    /** One node's guard over its own connection pool to the shared database. */
    private ClientAuthenticationGuard guard(PostgresTestDatabase database) {
        Store store = JdbcStore.open(database.storeConfig(), new KeyEncryptionKeyFile(temp.resolve("tollgate.kek")));
        closing.add(store::close);
        return new ClientAuthenticationGuard(LIMITS, clock, store.clientAuthFailures());
    }

    /** A wrong secret from the attacker; true when it was answered 429. */
    private static boolean fail(ClientAuthenticationGuard guard) {
        ClientAuthenticationGuard.Attempt attempt = guard.check(ATTACKER);
        return guard.recordOutcome(attempt, WRONG_SECRET).throttled();
    }

    private static HttpResponse<String> wrongSecret(TestServer server, ClientWithSecret client) {
        return token(server, client, "wrong-" + client.secret().reveal());
    }

    private static HttpResponse<String> token(TestServer server, ClientWithSecret client, String secret) {
        String basic = Base64.getEncoder().encodeToString((client.client().clientId().value() + ":" + secret)
                .getBytes(StandardCharsets.UTF_8));
        return server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", ATTACKER)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
    }
}
