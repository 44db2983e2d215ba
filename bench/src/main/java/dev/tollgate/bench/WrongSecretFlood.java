package dev.tollgate.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * The attacker of {@code bench/token-attack.sh}: client-credentials token requests with wrong
 * secrets, as fast as {@code threads} virtual threads can send them, from one source address,
 * for a fixed time, ignoring {@code Retry-After}. wrk cannot choose its source address, and the
 * per-address limit needs the attacker on another address than the correct client, so this
 * uses the JDK client's {@code localAddress} (any 127.0.0.x is loopback on Linux). A client id
 * ending in {@code *} has the {@code *} replaced by a counter, a new made-up id per request (a
 * spray over ids, which the per-address limit is for).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.tollgate.bench.WrongSecretFlood \
 *     --url http://127.0.0.1:18181/t/10001/oauth2/token --client-id ID \
 *     [--source 127.0.0.2] [--threads 16] [--seconds 20]
 * </pre>
 *
 * Prints one line: {@code requests=N 401=N 429=N 5xx=N other=N io_errors=N req/s=N}.
 */
public final class WrongSecretFlood {

    private WrongSecretFlood() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        URI url = URI.create(required(options, "url"));
        String clientId = required(options, "client-id");
        boolean spray = clientId.endsWith("*");
        String prefix = clientId.substring(0, clientId.length() - (spray ? 1 : 0));
        InetAddress source = InetAddress.getByName(options.getOrDefault("source", "127.0.0.2"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "16"));
        long seconds = Long.parseLong(options.getOrDefault("seconds", "20"));

        LongAdder unauthorized = new LongAdder();
        LongAdder throttled = new LongAdder();
        LongAdder serverErrors = new LongAdder();
        LongAdder other = new LongAdder();
        LongAdder ioErrors = new LongAdder();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        try (HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .localAddress(source)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int worker = t;
                workers.add(pool.submit(() -> {
                    long n = 0;
                    while (System.nanoTime() < end) {
                        String id = spray ? prefix + worker + "-" + n : clientId;
                        String basic = Base64.getEncoder().encodeToString(
                                (id + ":wrong-" + worker + "-" + n++).getBytes(StandardCharsets.UTF_8));
                        HttpRequest request = HttpRequest.newBuilder(url)
                                .header("Authorization", "Basic " + basic)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                                .build();
                        try {
                            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (status == 401) {
                                unauthorized.increment();
                            } else if (status == 429) {
                                throttled.increment();
                            } else if (status >= 500) {
                                serverErrors.increment();
                            } else {
                                other.increment();
                            }
                        } catch (IOException e) {
                            ioErrors.increment();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long requests = unauthorized.sum() + throttled.sum() + serverErrors.sum() + other.sum() + ioErrors.sum();
        System.out.printf("requests=%d 401=%d 429=%d 5xx=%d other=%d io_errors=%d req/s=%.0f%n", requests,
                unauthorized.sum(), throttled.sum(), serverErrors.sum(), other.sum(), ioErrors.sum(),
                requests / elapsed);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
