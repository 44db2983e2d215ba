package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import dev.tollgate.server.api.JsonApi;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * At most {@code permits} requests of one kind in progress at once; the next one is refused at
 * once with Retry-After rather than queued (503 for OAuth clients, 429 for administration). A queue in front of a shared connection pool
 * is what let 50 admin list requests take the token path from 1,021 to 9 tokens/s (issue 13): the
 * token path's reads waited behind them for a connection. Refusing fast keeps the queue out of the
 * pool, and a client told to retry in a second costs nothing meanwhile.
 */
public final class Bulkhead {

    /** Long enough for the requests in progress to end; short enough that a retry finds a permit. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    static final Duration BURST_WAIT = Duration.ofMillis(50);

    private final Semaphore permits;
    private final Consumer<ServerResponse> refuse;

    private Bulkhead(int permits, Consumer<ServerResponse> refuse) {
        this.permits = new Semaphore(permits);
        this.refuse = refuse;
    }

    /** For introspection and revocation: refused in OAuth's words, {@code temporarily_unavailable}. */
    public static Bulkhead oauth(int permits) {
        return new Bulkhead(permits, response -> {
            RetryAfter.set(response, RETRY_AFTER);
            OAuthResponses.sendError(response, new ErrorObject("temporarily_unavailable",
                    "too many requests in progress; retry after the delay in Retry-After", 503), "tollgate");
        });
    }

    /**
     * For the admin API and the console: 429 (RFC 6585 §4) in the API's JSON error body, as a login
     * flood already is answered once password hashing is busy, so a caller sees one kind of "slow
     * down" from administration whichever limit it met.
     */
    public static Bulkhead admin(int permits) {
        return new Bulkhead(permits, response -> {
            RetryAfter.set(response, RETRY_AFTER);
            response.header(HeaderNames.CACHE_CONTROL, "no-store");
            JsonApi.sendJson(response, 429, JsonApi.error("too_many_requests",
                    "too many administration requests in progress; retry after the delay in Retry-After", null));
        });
    }

    public Handler guard(Handler handler) {
        return (request, response) -> {
            if (!acquire()) {
                refuse.accept(response);
                return;
            }
            try {
                handler.handle(request, response);
            } finally {
                permits.release();
            }
        };
    }

    /**
     * A permit within {@link #BURST_WAIT}: a browser asks for a console page and its assets at once,
     * each served in a millisecond or two, and must not be refused for that; a flood still is,
     * after a wait far below the pool's connection timeout.
     */
    private boolean acquire() {
        try {
            return permits.tryAcquire(BURST_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Permits free now, for metrics and tests. */
    public int available() {
        return permits.availablePermits();
    }
}
