package dev.tollgate.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends an HTTP/1.1 connection once it has answered with {@code Connection: close}, on every
 * listener, whatever the handler did with the request body (issue 11, point 1).
 *
 * <p>Helidon 4.5.0 sends {@code Connection: close} when the request asks for it (or a handler
 * sets it), then skips the unread request body "because the connection is closing" and goes on
 * reading the socket: the body of a request that a handler refused before reading it (a 401, a
 * 413 on the declared length, an unknown tenant) was parsed and served as the next request.
 * Behind a proxy that sends {@code Connection: close} upstream (nginx with
 * {@code proxy_http_version 1.1}), a body smuggled past the proxy's rules. Fixed upstream in
 * helidon-io/helidon#12324 (after 4.5.3), which Maven Central does not serve here yet.
 *
 * <p>Two parts, so that no handler can bring it back:
 * <ul>
 *   <li>a routing filter, first on each listener: once the response is sent, if the exchange says
 *       {@code Connection: close}, it drains an unread body no larger than an endpoint would read
 *       (so the socket closes with a FIN, not a reset that could cost the client its answer),
 *       then has Helidon flush and close the connection;</li>
 *   <li>an HTTP/1 receive listener, for the answers no filter sees (error handlers, Helidon's
 *       own): after a request with {@code Connection: close}, the next request line read on that
 *       connection ends it instead of being served. (A send listener would see the response's
 *       header, but Helidon 4.5.0 calls send listeners only for streamed responses.)</li>
 * </ul>
 * Without {@code Connection: close}, Helidon would drain an unread body itself before the next
 * request (Http1Connection.consumeEntity), with no deadline: the request's clock stops when the
 * answer's status goes out, so a client that declared a body, got its 401 and then sent nothing held
 * the connection and its virtual thread indefinitely. The filter therefore drains an unread body
 * itself, for at most {@code drainTime}; a body not drained by then, or one it would not drain
 * (declared larger than the payload cap, behind {@code Expect: 100-continue}), ends the connection.
 */
final class ConnectionClose {

    private static final ExecutorService DRAINER = Executors.newVirtualThreadPerTaskExecutor();

    private final long drainLimit;
    private final Duration drainTime;
    /** Connections whose last request said {@code Connection: close}; weak, so a closed one leaves no entry. */
    private final Set<ConnectionContext> closing = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    /**
     * @param drainLimit the largest declared body drained after an answer; a larger one closes at once
     * @param drainTime  how long the rest of an unread body may take to arrive
     */
    ConnectionClose(long drainLimit, Duration drainTime) {
        this.drainLimit = drainLimit;
        this.drainTime = drainTime;
    }

    Filter filter() {
        return (chain, req, res) -> {
            chain.proceed();
            if (!res.isSent()) {
                return;
            }
            if (hasUnreadBody(req) && !drained(req)) {
                throw new CloseConnectionException("request body left unread and not drained");
            }
            if (closes(req, res)) {
                throw new CloseConnectionException("Connection: close");
            }
        };
    }

    /**
     * Marks a connection whose request says {@code Connection: close}, and ends a marked connection
     * at its next request line, before anything of that request is read or answered.
     */
    Http1ConnectionListener receiving() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                if (closing.remove(ctx)) {
                    throw new CloseConnectionException("request after Connection: close");
                }
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                if (closes(headers)) {
                    closing.add(ctx);
                }
            }
        };
    }

    private static boolean closes(ServerRequest req, ServerResponse res) {
        return closes(req.headers()) || closes(res.headers());
    }

    /**
     * Helidon's {@code containsToken} collects the header's values through a stream even when there
     * is no such header; most requests have none, and this runs twice per request.
     */
    private static boolean closes(Headers headers) {
        return headers.contains(HeaderNames.CONNECTION) && headers.containsToken(HeaderValues.CONNECTION_CLOSE);
    }

    private static boolean hasUnreadBody(ServerRequest req) {
        return req.content().hasEntity() && !req.content().consumed();
    }

    /**
     * Reads and drops a body the handler left unread, when it is no larger than {@code drainLimit}
     * (a chunked one is cut there by Helidon's payload cap) and arrives within {@code drainTime};
     * then the connection can carry a next request. Not a larger declared one (the client may be
     * sending megabytes: closing is cheaper), nor one behind
     * {@code Expect: 100-continue} (the client waits for a 100 that must not follow a final answer,
     * RFC 9110 §10.1.1, so it has sent nothing to drain). Closing after a drain ends with a FIN, not
     * a reset that could cost the client its answer.
     *
     * @return whether the body was read to its end in time
     */
    private boolean drained(ServerRequest req) {
        if (req.headers().containsToken(HeaderValues.EXPECT_100)
                || req.headers().contentLength().orElse(0) > drainLimit) {
            return false;
        }
        // The read blocks on the socket; waiting for it apart bounds it. On a timeout the connection
        // closes, which ends the blocked read with an exception nobody needs.
        Future<?> drain = DRAINER.submit(() -> req.content().consume());
        try {
            drain.get(drainTime.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            // Too slow, or the client went away or sent less than it declared.
            drain.cancel(true);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drain.cancel(true);
            return false;
        }
    }
}
