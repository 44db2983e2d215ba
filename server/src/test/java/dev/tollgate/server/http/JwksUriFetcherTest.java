package dev.tollgate.server.http;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.core.token.JwksUriCache;
import dev.tollgate.server.config.ClientKeyConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fetch of a client's jwks_uri against a real HTTP server on 127.0.0.1, and the address rules. */
class JwksUriFetcherTest {

    private static HttpServer host;
    private static final CountDownLatch NEVER = new CountDownLatch(1);
    private static String keys;

    @BeforeAll
    static void start() throws Exception {
        String privateSet = "{\"keys\":[" + new ECKeyGenerator(Curve.P_256).keyID("p").generate().toJSONString() + "]}";
        keys = new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("k1").generate().toPublicJWK()).toString(true);
        host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        host.createContext("/jwks", exchange -> {
            byte[] body = keys.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        host.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "/jwks");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        host.createContext("/big", exchange -> {
            // Chunked, no Content-Length: the cap must hold while reading, not only on the header.
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = " ".repeat(8192).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 64; i++) {
                    exchange.getResponseBody().write(chunk);
                }
            } catch (java.io.IOException closedByTheClient) {
                // expected once the fetcher gives up
            }
            exchange.close();
        });
        host.createContext("/slow", exchange -> {
            try {
                NEVER.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        host.createContext("/private", exchange -> {
            byte[] body = privateSet.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        host.start();
    }

    @AfterAll
    static void stop() {
        NEVER.countDown();
        host.stop(0);
    }

    private static JwksUriFetcher fetcher(boolean allowPrivate) {
        return new JwksUriFetcher(new ClientKeyConfig(ClientKeyConfig.DEFAULTS.assertions(), Duration.ofMillis(500),
                16_384, allowPrivate));
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + host.getAddress().getPort() + path);
    }

    @Test
    void fetchWhenPrivateAddressesAllowedThenTheKeysAreRead() throws Exception {
        assertThat(fetcher(true).fetch(uri("/jwks")).getKeyByKeyId("k1")).isNotNull();
    }

    @Test
    void fetchWhenLoopbackAndNotAllowedThenRefusedBeforeAnyConnection() {
        assertThatThrownBy(() -> fetcher(false).fetch(URI.create("https://127.0.0.1:" + host.getAddress().getPort()
                + "/jwks"))).isInstanceOf(JwksUriCache.FetchException.class).hasMessageContaining("non-public address");
    }

    @Test
    void fetchWhenPlainHttpAndNotAllowedThenRefused() {
        assertThatThrownBy(() -> fetcher(false).fetch(uri("/jwks")))
                .isInstanceOf(JwksUriCache.FetchException.class).hasMessageContaining("https");
    }

    @Test
    void fetchWhenRedirectedThenNotFollowed() {
        assertThatThrownBy(() -> fetcher(true).fetch(uri("/moved")))
                .isInstanceOf(JwksUriCache.FetchException.class).hasMessageContaining("redirect");
    }

    @Test
    void fetchWhenTheAnswerIsLargerThanTheCapThenRefused() {
        assertThatThrownBy(() -> fetcher(true).fetch(uri("/big")))
                .isInstanceOf(JwksUriCache.FetchException.class).hasMessageContaining("larger than");
    }

    @Test
    void fetchWhenTheHostNeverAnswersThenTimesOut() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> fetcher(true).fetch(uri("/slow"))).isInstanceOf(JwksUriCache.FetchException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void fetchWhenTheSetHoldsPrivateMembersThenOnlyThePublicPartIsKept() throws Exception {
        assertThat(fetcher(true).fetch(uri("/private")).getKeys()).allMatch(k -> !k.isPrivate());
    }

    @Test
    void isPublicWhenAddressClassesThenOnlyPublicOnesPass() throws Exception {
        for (String address : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                "100.64.0.1", "0.0.0.0", "::1", "fc00::1", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1"}) {
            assertThat(JwksUriFetcher.isPublic(InetAddress.getByName(address))).as(address).isFalse();
        }
        assertThat(JwksUriFetcher.isPublic(InetAddress.getByName("93.184.216.34"))).isTrue();
        assertThat(JwksUriFetcher.isPublic(InetAddress.getByName("2606:4700::1111"))).isTrue();
    }
}
