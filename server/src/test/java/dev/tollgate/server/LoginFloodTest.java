package dev.tollgate.server;

import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.core.admin.ClientWithSecret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, point 2: every failed console login costs a PBKDF2 hash (about 0.45 CPU-s), for
 * unknown usernames too, so a login flood could take every core from the token endpoint. Here 16
 * threads from 16 loopback addresses send wrong passwords as fast as they are answered while the
 * token endpoint is timed, over real HTTP on 127.0.0.1.
 *
 * <p>The per-account and per-address login limits are lifted: they stop one address after a few
 * attempts, but not an attacker with many addresses (33 were enough in the report, and an IPv6
 * host holds millions of /64s). What must hold then is the global bound on hashing.
 */
class LoginFloodTest {

    private static final int FLOODERS = 16;
    private static final int SAMPLES = 200;
    private static final int ROUNDS = 3;
    /**
     * The bound is 2× quiet p99 plus this, for a shared 2-core machine where another build can
     * start mid-test (quiet p99 measured 22-94 ms there). Without the bound on hashing the p99 under
     * flood was 21 s, 5 of 200 answered in 30 s, so the margin hides nothing.
     */
    private static final long FLOOR_NANOS = Duration.ofMillis(50).toNanos();
    /** Before the bound, token requests under flood took seconds each; the test gives up after this. */
    private static final Duration MEASUREMENT_DEADLINE = Duration.ofSeconds(30);
    private static final FailureLimiter.Settings UNLIMITED = new FailureLimiter.Settings(1_000_000, Duration.ZERO,
            Duration.ZERO, 1_000_001, Duration.ofMinutes(15), 100_000);

    private TestServer server;
    private final List<HttpClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = TestServer.embedded(b -> b.loginLimits(UNLIMITED));
    }

    @AfterEach
    void stop() {
        clients.forEach(HttpClient::close);
        server.close();
    }

    @Test
    void tokenEndpointWhenLoginFloodFromManyAddressesThenP99WithinTwiceQuietAndFloodGetsTooManyRequests()
            throws Exception {
        HttpClient tokens = from("127.0.0.1");
        ClientWithSecret client = server.defaultClient();
        String authorization = "Basic " + Base64.getEncoder().encodeToString((client.client().clientId().value()
                + ":" + client.secret().reveal()).getBytes(StandardCharsets.UTF_8));
        timeTokens(tokens, authorization, 100, null); // warm-up: JIT, connection, caches
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        List<String> rounds = new ArrayList<>();
        boolean within = false;
        // Best of ROUNDS: on a machine shared with other builds one round can meet a burst of
        // outside load. Without the bound on hashing, the first round already fails its deadline.
        for (int round = 1; round <= ROUNDS && !within; round++) {
            long[] quiet = timeTokens(tokens, authorization, SAMPLES, null);
            long[] underFlood = underFlood(() -> timeTokens(tokens, authorization, SAMPLES,
                    System.nanoTime() + MEASUREMENT_DEADLINE.toNanos()), answers);
            // The baseline is the slower of the quiet runs before and after the flood.
            long[] quietAfter = timeTokens(tokens, authorization, SAMPLES, null);
            long quietP99 = Math.max(p99(quiet), p99(quietAfter));
            long floodP99 = p99(underFlood);
            rounds.add(String.format(Locale.ROOT, "token p99 quiet %.1f ms (before %.1f, after %.1f), under login "
                            + "flood %.1f ms, %d of %d answered; p50 quiet %.1f ms, flood %.1f ms",
                    quietP99 / 1e6, p99(quiet) / 1e6, p99(quietAfter) / 1e6, floodP99 / 1e6, underFlood.length,
                    SAMPLES, p50(quiet) / 1e6, p50(underFlood) / 1e6));
            System.out.println(rounds.getLast());
            assertThat(underFlood).as("token requests answered within %s under flood: %s", MEASUREMENT_DEADLINE,
                    rounds.getLast()).hasSize(SAMPLES);
            within = floodP99 <= 2 * quietP99 + FLOOR_NANOS;
        }
        System.out.printf("flood answers: %d, of which 429: %d%n", answers.size(),
                answers.stream().filter(a -> a.status() == 429).count());

        assertThat(within).as("token p99 under flood within 2× quiet + %d ms in one of %d rounds: %s",
                FLOOR_NANOS / 1_000_000, ROUNDS, rounds).isTrue();
        assertThat(answers).as("the flood is answered 429 with Retry-After once hashing is busy")
                .anySatisfy(a -> {
                    assertThat(a.status()).isEqualTo(429);
                    assertThat(a.retryAfterSeconds()).isPositive();
                });
        assertThat(answers).as("wrong passwords are still checked, one permit at a time")
                .anySatisfy(a -> assertThat(a.status()).isEqualTo(401));
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).isIn(401, 429));
    }

    private interface Measurement {
        long[] run() throws Exception;
    }

    /** Runs {@code measurement} while FLOODERS connections send wrong passwords as fast as they are answered. */
    private long[] underFlood(Measurement measurement, ConcurrentLinkedQueue<Answer> answers) throws Exception {
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<Thread> flood = new ArrayList<>();
        for (int i = 0; i < FLOODERS; i++) {
            String address = "127.0.0." + (2 + i);
            // Half try the bootstrapped admin, half a username that names nobody (the equal-timing dummy hash).
            String username = i % 2 == 0 ? "admin" : "nobody" + i;
            flood.add(Thread.ofPlatform().name("flood-" + i).start(() -> {
                try (Flooder flooder = new Flooder(address)) {
                    while (flooding.get()) {
                        answers.add(flooder.login(username));
                    }
                } catch (IOException e) {
                    // the server closed the connection at the end of the test
                }
            }));
        }
        try {
            Thread.sleep(1000); // every flooder has a login in flight
            return measurement.run();
        } finally {
            flooding.set(false);
            for (Thread t : flood) {
                t.join(Duration.ofSeconds(60));
            }
        }
    }

    /** Nanoseconds per sequential token request; stops early (fewer samples) at {@code deadline}. */
    private long[] timeTokens(HttpClient http, String authorization, int count, Long deadline) throws Exception {
        long[] nanos = new long[count];
        HttpRequest request = HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(MEASUREMENT_DEADLINE)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
        for (int i = 0; i < count; i++) {
            if (deadline != null && System.nanoTime() > deadline) {
                return Arrays.copyOf(nanos, i);
            }
            long start = System.nanoTime();
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            nanos[i] = System.nanoTime() - start;
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
        return nanos;
    }

    private record Answer(int status, long retryAfterSeconds) {
    }

    /**
     * One attacker connection from its own loopback address (Linux routes all of 127/8 to lo),
     * written as raw HTTP/1.1 with keep-alive: next to the server in one JVM, a client this small
     * takes little of the CPU the test is about.
     */
    private final class Flooder implements AutoCloseable {

        private final Socket socket = new Socket();
        private final InputStream in;
        private final OutputStream out;

        Flooder(String address) throws IOException {
            socket.bind(new InetSocketAddress(address, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            socket.setSoTimeout(60_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        Answer login(String username) throws IOException {
            byte[] body = ("{\"username\":\"" + username + "\",\"password\":\"not the password at all\"}")
                    .getBytes(StandardCharsets.UTF_8);
            out.write(("POST /t/" + TENANT.value() + "/admin/api/v1/login HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            long retryAfter = 0;
            int length = 0;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String name = header.substring(0, header.indexOf(':')).strip().toLowerCase(Locale.ROOT);
                String value = header.substring(header.indexOf(':') + 1).strip();
                if (name.equals("content-length")) {
                    length = Integer.parseInt(value);
                } else if (name.equals("retry-after")) {
                    retryAfter = Long.parseLong(value);
                }
            }
            in.readNBytes(length);
            return new Answer(status, retryAfter);
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static long p50(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Long.MAX_VALUE : sorted[sorted.length / 2];
    }

    private static long p99(long[] nanos) {
        if (nanos.length == 0) {
            return Long.MAX_VALUE;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
    }

    private HttpClient from(String address) throws IOException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .localAddress(InetAddress.getByName(address)).build();
        clients.add(client);
        return client;
    }
}
