package dev.tollgate.server.admin;

import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.ops.TokenAudit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, "admin load (50 concurrent list requests, pool of 10)": tokens fell from 1,021/s to
 * 9/s while the admin requests queued for the store's connections. With the admin bulkhead, the
 * admin requests past its permits are refused at once with 429 and Retry-After, and the token
 * path keeps its rate. The admin callers wait the Retry-After they are told, as a well-behaved
 * client does; callers that retry at once cost the server a request each, refused or not (see
 * docs/OPERATIONS.md). The bound here is loose (half the rate, on a shared machine); the measured
 * figure is in docs/OPERATIONS.md.
 */
class AdminLoadTest {

    private static final TenantId TENANT = TestServer.TENANT;
    private static final Duration WINDOW = Duration.ofSeconds(3);
    private static final int ADMIN_CALLERS = 50;

    /**
     * Token events off: in the committed mode every token waits for its event's commit, so it waits
     * on the store that the admin work keeps busy by definition; what is measured here is the
     * bulkhead, not that mode.
     */
    private final AdminApiFixture fixture = new AdminApiFixture(TestServer.postgres(
            b -> b.tokenAudit(TokenAudit.Mode.OFF)));
    /** Apart from the fixture's, whose one selector thread the 50 admin callers keep busy. */
    private final HttpClient tokenHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void tokensWhenFiftyAdminCallersListAtOnceThenTokensKeepFlowingAndAdminExcessGets429WithRetryAfter() throws Exception {
        ClientWithSecret client = fixture.server.defaultClient();
        AdminApiFixture.Session session = fixture.seedAndLogin(TENANT, "loader", AdminRole.ADMIN, Set.of());
        for (int i = 0; i < 20; i++) {
            fixture.createClient(TENANT, "listed-" + i);
        }
        tokensIn(client, Duration.ofSeconds(1));
        int before = tokensIn(client, WINDOW);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger listed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicInteger refusedWithoutRetryAfter = new AtomicInteger();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < ADMIN_CALLERS; i++) {
            callers.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    AdminApiFixture.Response response = fixture.call("GET", fixture.api(TENANT) + "/clients?limit=100",
                            session, null);
                    switch (response.status()) {
                        case 200 -> listed.incrementAndGet();
                        case 429 -> {
                            refused.incrementAndGet();
                            var retryAfter = response.headers().firstValue("Retry-After");
                            if (retryAfter.isEmpty()) {
                                refusedWithoutRetryAfter.incrementAndGet();
                            } else {
                                // A client that does as it is told (the test's subject is the server's
                                // answer, not the client's): it waits the delay before its next call.
                                pause(Duration.ofSeconds(Long.parseLong(retryAfter.get())), stop);
                            }
                        }
                        default -> other.incrementAndGet();
                    }
                }
            }));
        }
        int during;
        try {
            during = tokensIn(client, WINDOW);
        } finally {
            stop.set(true);
            for (Thread caller : callers) {
                caller.join();
            }
        }

        // The figure docs/OPERATIONS.md quotes, in the test's output.
        System.out.printf("admin load: %d tokens in %s alone, %d with %d admin callers (%d listed, %d refused)%n",
                before, WINDOW, during, ADMIN_CALLERS, listed.get(), refused.get());
        // How much of the token rate survives is a benchmark's figure on a quiet machine (docs/OPERATIONS.md),
        // not a unit test's: on a shared 2-core machine the 50 callers' own CPU decides it.
        assertThat(during).as("tokens in %s with %d admin callers, against %d without (admin: %d listed, %d refused)",
                WINDOW, ADMIN_CALLERS, before, listed.get(), refused.get()).isPositive();
        assertThat(listed.get()).as("admin requests still served").isPositive();
        assertThat(refused.get()).as("admin requests past the permits refused").isPositive();
        assertThat(refusedWithoutRetryAfter.get()).isZero();
        assertThat(other.get()).as("answers other than 200 and 429").isZero();
    }

    /** Waits {@code delay}, or less when the load stops meanwhile. */
    private static void pause(Duration delay, AtomicBoolean stop) {
        long end = System.nanoTime() + delay.toNanos();
        try {
            while (!stop.get() && System.nanoTime() < end) {
                Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int token(ClientWithSecret client) {
        String basic = Base64.getEncoder().encodeToString((client.client().clientId().value() + ":"
                + client.secret().reveal()).getBytes(StandardCharsets.UTF_8));
        try {
            return tokenHttp.send(HttpRequest.newBuilder(URI.create(fixture.server.baseUrl() + "/t/" + TENANT.value()
                                    + "/oauth2/token"))
                            .header("Authorization", "Basic " + basic)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Tokens issued in {@code window} by two callers, one request after another each. */
    private int tokensIn(ClientWithSecret client, Duration window) throws InterruptedException {
        AtomicInteger issued = new AtomicInteger();
        long end = System.nanoTime() + window.toNanos();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            callers.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    if (token(client) == 200) {
                        issued.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread caller : callers) {
            caller.join();
        }
        return issued.get();
    }
}
