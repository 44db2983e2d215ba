package dev.tollgate.server.ops;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenRefusal;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.store.JdbcStore;
import io.helidon.webserver.http.Handler;
import dev.tollgate.core.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import dev.tollgate.core.audit.TokenCounters;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The server's meters, in one Prometheus registry per server (so tests running several servers in
 * one JVM see only their own counts), scraped on the management port.
 *
 * <p>Tag values are bounded by what the store holds, never by what a request says: a tenant is
 * named only when it exists, a client only once it was identified; anything else is
 * {@code unknown}. Otherwise a client sending made-up ids would create one time series per id.
 */
public final class Metrics implements AutoCloseable {

    static final String UNKNOWN = "unknown";

    private record IssuedKey(TenantId tenant, String client) {
    }

    private record FailureKey(TenantId tenant, String client) {
    }

    private record RefusedKey(String tenant, String reason, String client) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Predicate<TenantId> tenantExists;
    // Counters by their tags: a map hit on the token path instead of Micrometer building and
    // sorting a Tags object and looking the meter up on every request.
    private final Map<IssuedKey, Counter> issued = new ConcurrentHashMap<>();
    private final Map<RefusedKey, Counter> refused = new ConcurrentHashMap<>();
    private final Map<String, Counter> throttled = new ConcurrentHashMap<>();
    private final Map<FailureKey, Counter> failures = new ConcurrentHashMap<>();
    private final Map<FailureKey, Counter> introspectionRefusals = new ConcurrentHashMap<>();
    private final Timer tokenRequests;

    /** @param tenantExists answers from the directory's cache, which remembers unknown ids too */
    public Metrics(Predicate<TenantId> tenantExists) {
        this.tenantExists = tenantExists;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.tokenRequests = Timer.builder("tollgate.token.request")
                .description("Token endpoint latency, all wire shapes, issued and refused")
                .publishPercentileHistogram()
                // Bounds the histogram's buckets to the range a token request can take.
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** Cache statistics (hits, misses, loads, evictions) of the token path's directory. */
    public void bindDirectory(Directory directory) {
        directory.caches().forEach((name, cache) -> CaffeineCacheMetrics.monitor(registry, cache, name));
    }

    /** What the token audit lost: stream events dropped (queue full, write failed), counts given up in an outage. */
    public void bindTokenAudit(TokenEventStream stream, TokenCounters counters) {
        if (stream != null) {
            FunctionCounter.builder("tollgate.audit.stream.dropped", stream, TokenEventStream::dropped)
                    .description("Token events not written to the audit stream (queue full, closed, or write failed)")
                    .register(registry);
            FunctionCounter.builder("tollgate.audit.stream.written", stream, TokenEventStream::written)
                    .description("Token events written to the audit stream")
                    .register(registry);
        }
        FunctionCounter.builder("tollgate.token.counts.dropped", counters, TokenCounters::dropped)
                .description("Tokens left out of the issuance counts because the store stayed down too long")
                .register(registry);
    }

    /** HikariCP's own Micrometer tracker: pool size, active, idle, pending, acquire and usage times. */
    public void bindPool(JdbcStore store) {
        store.trackPool(new MicrometerMetricsTrackerFactory(registry));
    }

    public void tokenOutcome(TenantId tenant, TokenService.Outcome outcome) {
        if (outcome.isIssued()) {
            issued.computeIfAbsent(new IssuedKey(tenant, outcome.client().clientId().value()),
                    key -> Counter.builder("tollgate.tokens.issued")
                            .description("Access tokens issued")
                            .tag("tenant", key.tenant().value())
                            .tag("client", key.client())
                            .register(registry))
                    .increment();
            return;
        }
        TokenRefusal.Reason reason = outcome.refusal().reason();
        String tenantTag = reason == TokenRefusal.Reason.UNKNOWN_TENANT ? UNKNOWN : tenant.value();
        String client = outcome.client() != null ? outcome.client().clientId().value() : UNKNOWN;
        refused(tenantTag, tag(reason), client);
    }

    private static final String[] REASON_TAGS = java.util.Arrays.stream(TokenRefusal.Reason.values())
            .map(r -> r.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    /** A refusal reason as metrics and the access log write it: {@code wrong_secret}, {@code throttled}. */
    public static String tag(TokenRefusal.Reason reason) {
        return REASON_TAGS[reason.ordinal()];
    }

    /**
     * A request refused before it reached the policy (malformed, wrong grant type); the tenant
     * may be unparseable or made up.
     */
    public void tokenRefusedEarly(TenantId tenant, TokenRefusal.Reason reason) {
        String tenantTag = tenant != null && exists(tenant) ? tenant.value() : UNKNOWN;
        refused(tenantTag, tag(reason), UNKNOWN);
    }

    /**
     * A failed client authentication from an address over the brute-force limit, answered
     * {@code 429} (the secret was checked, and wrong). Token requests are also counted in
     * {@code tollgate_tokens_refused_total} with reason {@code throttled}; this counter adds
     * introspection and revocation, and which limit fired.
     *
     * @param endpoint {@code token}, {@code introspect} or {@code revoke}
     * @param limit    the guard's limit in lower case: {@code address}
     */
    public void clientAuthenticationThrottled(String endpoint, String limit) {
        throttled.computeIfAbsent(endpoint + '|' + limit,
                key -> Counter.builder("tollgate.client.authentication.throttled")
                        .description("Failed client authentications answered 429 because their address keeps failing")
                        .tag("endpoint", endpoint)
                        .tag("limit", limit)
                        .register(registry))
                .increment();
    }

    /**
     * A failed client authentication ({@code invalid_client}) at any endpoint, per client: what
     * an alert on an attack against one client id reads, since no limit refuses per client
     * (that would let anyone who knows the id lock the client out, issue 11).
     *
     * @param client the client the presented id names, or null when it names none (tagged
     *               {@code unknown}, so made-up ids cannot grow the registry)
     */
    public void clientAuthenticationFailed(TenantId tenant, ClientCredential client) {
        failures.computeIfAbsent(new FailureKey(tenant, client != null ? client.clientId().value() : UNKNOWN),
                key -> Counter.builder("tollgate.client.authentication.failures")
                        .description("Failed client authentications (invalid_client), all endpoints")
                        .tag("tenant", key.tenant().value())
                        .tag("client", key.client())
                        .register(registry))
                .increment();
    }

    /**
     * An authenticated client without the introspection permission that called the introspection
     * endpoint: a resource server whose credential lacks the grant, or a token holder probing.
     */
    public void introspectionRefused(TenantId tenant, ClientCredential client) {
        introspectionRefusals.computeIfAbsent(new FailureKey(tenant, client.clientId().value()),
                key -> Counter.builder("tollgate.introspection.refused")
                        .description("Introspection requests refused because the client lacks the permission")
                        .tag("tenant", key.tenant().value())
                        .tag("client", key.client())
                        .register(registry))
                .increment();
    }

    private boolean exists(TenantId tenant) {
        try {
            return tenantExists.test(tenant);
        } catch (RuntimeException e) {
            // The store is down and the tenant not cached: counting must not turn a 400 into a 503.
            return false;
        }
    }

    private void refused(String tenant, String reason, String client) {
        refused.computeIfAbsent(new RefusedKey(tenant, reason, client),
                key -> Counter.builder("tollgate.tokens.refused")
                        .description("Token requests refused")
                        .tag("tenant", key.tenant())
                        .tag("reason", key.reason())
                        .tag("client", key.client())
                        .register(registry))
                .increment();
    }

    /**
     * Times a token route into the token latency histogram, and writes its access-log line.
     *
     * @param route the route's pattern, for the access log
     */
    public Handler timedToken(String route, Handler handler) {
        return measured(route, handler, (status, nanos) -> tokenRequests.record(nanos, TimeUnit.NANOSECONDS));
    }

    /**
     * Times a route into {@code tollgate_http_requests_seconds{route,status}}, where {@code route}
     * is the pattern (never the request's path) and {@code status} the class, {@code 2xx}..{@code 5xx};
     * and writes the request's access-log line from the same measurement.
     */
    public Handler timed(String route, Handler handler) {
        Timer[] byClass = new Timer[6];
        return measured(route, handler, (status, nanos) -> {
            int statusClass = Math.clamp(status / 100, 1, 5);
            Timer timer = byClass[statusClass];
            if (timer == null) {
                // A race registers the same meter twice; Micrometer returns the existing one.
                timer = Timer.builder("tollgate.http.requests")
                        .description("Requests to the JWKS, discovery, introspection, revocation, users, admin API and console routes")
                        .tag("route", route)
                        .tag("status", statusClass + "xx")
                        .register(registry);
                byClass[statusClass] = timer;
            }
            timer.record(nanos, TimeUnit.NANOSECONDS);
        });
    }

    /** What a route records about one request: its final status and how long it took. */
    @FunctionalInterface
    private interface Measurement {
        void record(int status, long nanos);
    }

    /**
     * Runs {@code handler} and records it once. The measurement is taken just before the answer is
     * sent, not after it: a client that holds its answer must find the request in the next scrape
     * (recording after the send raced with that scrape). A handler that throws is recorded as the
     * 500 or 503 the error handler will answer.
     */
    private static Handler measured(String route, Handler handler, Measurement measurement) {
        return (req, res) -> {
            long start = System.nanoTime();
            boolean[] recorded = {false}; // touched only by this request's thread
            res.beforeSend(() -> {
                if (!recorded[0]) {
                    recorded[0] = true;
                    long elapsed = System.nanoTime() - start;
                    int status = res.status().code();
                    measurement.record(status, elapsed);
                    AccessLog.record(route, req, status, null, elapsed);
                }
            });
            Throwable failure = null;
            try {
                handler.handle(req, res);
            } catch (RuntimeException | Error e) {
                failure = e;
                throw e;
            } finally {
                if (!recorded[0]) {
                    recorded[0] = true;
                    long elapsed = System.nanoTime() - start;
                    int status = failure == null ? res.status().code() : failure instanceof StoreException ? 503 : 500;
                    measurement.record(status, elapsed);
                    AccessLog.record(route, req, status, failure, elapsed);
                }
            }
        };
    }

    /** The Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
