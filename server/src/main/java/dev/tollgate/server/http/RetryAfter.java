package dev.tollgate.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;

/** RFC 9110 §10.2.3 {@code Retry-After} in whole seconds. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * Rounded up and at least 1: a client that waits the whole seconds it was told must find the
     * delay over, and {@code 0} would invite an immediate retry.
     */
    public static long seconds(Duration delay) {
        long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    public static void set(ServerResponse response, Duration delay) {
        response.header(HeaderNames.RETRY_AFTER, Long.toString(seconds(delay)));
    }
}
