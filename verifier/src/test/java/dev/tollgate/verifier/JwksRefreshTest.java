package dev.tollgate.verifier;

import dev.tollgate.testing.TestClock;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.tollgate.verifier.Tokens.claims;
import static dev.tollgate.verifier.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JWKS as an issuer serves it: a real HTTP server on an ephemeral port whose key set the test
 * changes, counting every fetch. Time (cache, rate limit, expiry) comes from the test's clock.
 */
class JwksRefreshTest {

    private static final Duration RATE_LIMIT = Duration.ofSeconds(30);

    private final TestClock clock = TestClock.startingNow();
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private HttpServer issuer;
    private TokenVerifier verifier;

    @BeforeEach
    void startIssuer() throws IOException {
        issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer.createContext("/oauth2/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = new JWKSet(List.copyOf(published)).toPublicJWKSet().toString()
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        issuer.start();
        verifier = TokenVerifier.builder()
                .issuer(Tokens.ISSUER)
                .audience(Tokens.AUDIENCE)
                .clock(clock)
                .jwksUri(URI.create("http://127.0.0.1:" + issuer.getAddress().getPort() + "/oauth2/jwks"))
                .jwksRefreshRateLimit(RATE_LIMIT)
                // A loaded CI machine may take a while to answer the first fetch; these tests count
                // fetches, they do not time them.
                .jwksFetchTimeout(Duration.ofSeconds(20))
                .build();
    }

    @AfterEach
    void stopIssuer() {
        issuer.stop(0);
    }

    private String tokenSignedBy(ECKey key) {
        return sign(key, claims(clock.instant()).build());
    }

    @Test
    void verifyWhenKeyKnownThenTheJwksIsFetchedOnceAndCached() {
        ECKey current = Tokens.ecKey();
        published.add(current);

        for (int i = 0; i < 50; i++) {
            assertThat(verifier.verify(tokenSignedBy(current)).isValid()).isTrue();
        }

        assertThat(fetches).hasValue(1);
    }

    @Test
    void verifyWhenAFloodOfMadeUpKidsThenAtMostOneRefetchWithinTheRateLimitInterval() {
        ECKey current = Tokens.ecKey();
        published.add(current);
        assertThat(verifier.verify(tokenSignedBy(current)).isValid()).isTrue();
        assertThat(fetches).hasValue(1);

        for (int i = 0; i < 100; i++) {
            Verification verification = verifier.verify(tokenSignedBy(Tokens.ecKey()));
            assertThat(((Verification.Invalid) verification).reason()).isEqualTo(Reason.UNKNOWN_KEY);
        }

        assertThat(fetches.get()).isLessThanOrEqualTo(2);
        // Tokens with the known key are still served from the cache meanwhile.
        assertThat(verifier.verify(tokenSignedBy(current)).isValid()).isTrue();
        assertThat(fetches.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void verifyWhenIssuerRotatesThenTheNewKidIsPickedUpWithoutRestart() {
        ECKey first = Tokens.ecKey();
        published.add(first);
        assertThat(verifier.verify(tokenSignedBy(first)).isValid()).isTrue();

        ECKey second = Tokens.ecKey();
        published.add(second);

        // The unknown kid causes one refetch, which finds the new key.
        assertThat(verifier.verify(tokenSignedBy(second)).isValid()).isTrue();
        assertThat(fetches).hasValue(2);
        assertThat(verifier.verify(tokenSignedBy(first)).isValid()).isTrue();
        assertThat(fetches).hasValue(2);
    }

    @Test
    void verifyWhenRotatedDuringAFloodThenTheNewKidIsPickedUpOnceTheIntervalHasPassed() {
        ECKey first = Tokens.ecKey();
        published.add(first);
        assertThat(verifier.verify(tokenSignedBy(first)).isValid()).isTrue();
        for (int i = 0; i < 100; i++) {
            verifier.verify(tokenSignedBy(Tokens.ecKey()));
        }
        int afterFlood = fetches.get();
        assertThat(afterFlood).isLessThanOrEqualTo(2);

        ECKey second = Tokens.ecKey();
        published.add(second);
        // Within the interval the refetch budget is spent: the new key is not known yet.
        assertThat(((Verification.Invalid) verifier.verify(tokenSignedBy(second))).reason())
                .isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(fetches).hasValue(afterFlood);

        clock.advance(RATE_LIMIT.plusSeconds(1));

        assertThat(verifier.verify(tokenSignedBy(second)).isValid()).isTrue();
        assertThat(fetches).hasValue(afterFlood + 1);
    }

    @Test
    void verifyWhenCacheTtlPassedThenTheJwksIsFetchedAgainAndARemovedKeyIsRefused() {
        ECKey first = Tokens.ecKey();
        published.add(first);
        assertThat(verifier.verify(tokenSignedBy(first)).isValid()).isTrue();

        published.clear();
        published.add(Tokens.ecKey());
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));

        assertThat(((Verification.Invalid) verifier.verify(tokenSignedBy(first))).reason())
                .isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(fetches.get()).isGreaterThanOrEqualTo(2);
    }
}
