package dev.tollgate.server.ops;

import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.Tenant;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import net.minidev.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Liveness and readiness for an orchestrator. Live: the process serves HTTP. Ready: it can issue
 * tokens to known clients, so a load balancer keeps sending it token traffic: either the store
 * answers a cheap query within {@link #STORE_TIMEOUT} and every tenant has a signing key ring that
 * can sign, or the store does not answer but the key rings in memory can sign (issue 13: tokens
 * keep flowing through a store outage) — then the body says {@code "degraded": true}. Admin writes
 * need the store itself: {@code /health/admin} answers 200 only while it does, for a load balancer
 * that routes the admin API and console apart. A node that is not ready is taken out of rotation
 * rather than restarted.
 */
public final class Health {

    private static final Logger LOG = LoggerFactory.getLogger(Health.class);

    /** Shorter than the pool's 2 s connection timeout, so a probe answers before its own deadline. */
    static final Duration STORE_TIMEOUT = Duration.ofSeconds(1);

    private final Store store;
    private final Directory directory;

    public Health(Store store, Directory directory) {
        this.store = store;
        this.directory = directory;
    }

    /** {@code GET /health/live}. */
    public void live(ServerRequest request, ServerResponse response) {
        JSONObject body = new JSONObject();
        body.put("status", "UP");
        send(response, 200, body);
    }

    /** {@code GET /health/ready}: 200 UP (with {@code degraded} when serving from memory), or 503 DOWN with the failing check named. */
    public void ready(ServerRequest request, ServerResponse response) {
        JSONObject checks = new JSONObject();
        boolean up;
        boolean degraded = false;
        List<Tenant> all = tenants(checks);
        if (all != null) {
            List<String> withoutKeys = new ArrayList<>();
            for (Tenant tenant : all) {
                if (directory.keyRing(tenant.id()).isEmpty()) {
                    withoutKeys.add(tenant.id().value());
                }
            }
            if (withoutKeys.isEmpty()) {
                checks.put("signing_keys", "UP");
                up = true;
            } else {
                checks.put("signing_keys", "DOWN: no usable signing key for tenant(s) " + String.join(", ", withoutKeys));
                up = false;
            }
        } else if (directory.canSignFromMemory()) {
            checks.put("signing_keys", "UP: from memory");
            up = true;
            degraded = true;
        } else {
            checks.put("signing_keys", "DOWN: none in memory");
            up = false;
        }
        JSONObject body = new JSONObject();
        body.put("status", up ? "UP" : "DOWN");
        body.put("degraded", degraded);
        body.put("checks", checks);
        send(response, up ? 200 : 503, body);
    }

    /** {@code GET /health/admin}: 200 UP while the store answers, so admin writes can succeed; else 503 DOWN. */
    public void admin(ServerRequest request, ServerResponse response) {
        JSONObject checks = new JSONObject();
        boolean up = tenants(checks) != null;
        JSONObject body = new JSONObject();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        send(response, up ? 200 : 503, body);
    }

    /** Every tenant, with {@code store} UP in {@code checks}; or null, with why the store is DOWN. */
    private List<Tenant> tenants(JSONObject checks) {
        // A virtual thread runs the query, so a hung connection costs the probe 1 s, not the pool's 2 s.
        CompletableFuture<List<Tenant>> tenants = new CompletableFuture<>();
        Thread.ofVirtual().name("tollgate-readiness").start(() -> {
            try {
                tenants.complete(store.tenants().list());
            } catch (Throwable e) {
                tenants.completeExceptionally(e);
            }
        });
        try {
            List<Tenant> all = tenants.get(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            checks.put("store", "UP");
            return all;
        } catch (TimeoutException e) {
            LOG.warn("readiness: store did not answer within {}", STORE_TIMEOUT);
            checks.put("store", "DOWN: no answer within " + STORE_TIMEOUT.toMillis() + " ms");
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn("readiness: store unreachable: {}", cause.toString());
            checks.put("store", "DOWN: unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            checks.put("store", "DOWN: interrupted");
        }
        return null;
    }

    private static void send(ServerResponse response, int status, JSONObject body) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(body.toJSONString().getBytes(StandardCharsets.UTF_8));
    }
}
