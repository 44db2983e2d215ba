package dev.tollgate.server;

import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request takes longer than {@code timeouts.request} from its request
 * line to its response. Helidon closes a connection idle before a request line, but sets no
 * deadline once a request has begun, so a client that trickles its headers or body (slow loris)
 * would hold a connection, and a virtual thread, for as long as it likes.
 *
 * <p>Registered as an HTTP/1 receive listener (the request line starts the clock) and
 * send listener (the response's status stops it); a sweeper closes the sockets of requests past
 * their deadline, which makes the blocked read fail and Helidon drop the connection.
 */
final class RequestDeadline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadline.class);

    private final long deadlineNanos;
    private final Map<ConnectionContext, Long> started = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    RequestDeadline(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
        long period = Math.clamp(deadline.toMillis() / 10, 50, 1000);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("tollgate-request-deadline").factory());
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a request's clock once its request line is read; before that, Helidon's idle timeout
     * covers a connection that sends nothing or half a line.
     */
    Http1ConnectionListener receiving() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                started.put(ctx, System.nanoTime());
            }
        };
    }

    /** Stops it when the response's status goes out; the next request on the connection starts anew. */
    Http1ConnectionListener sending() {
        return new Http1ConnectionListener() {
            @Override
            public void status(ConnectionContext ctx, Status status) {
                started.remove(ctx);
            }
        };
    }

    private void sweep() {
        long now = System.nanoTime();
        started.forEach((ctx, start) -> {
            if (now - start > deadlineNanos && started.remove(ctx, start)) {
                LOG.debug("closing a connection whose request exceeded {} ms", deadlineNanos / 1_000_000);
                try {
                    ctx.serverSocket().close();
                } catch (RuntimeException e) {
                    // Already closed by the client: nothing more to do.
                }
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
