package dev.tollgate.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What clients may cost the listener: header and request-line sizes (bodies are limited per
 * endpoint by {@code limits.max-body-bytes}), how many connections it holds, and how long one may
 * sit idle. Helidon closes a connection idle between requests or stalled before its request line
 * is complete after {@code idleTimeout}; {@code requestTimeout} bounds a request from its request
 * line to its response, which Helidon does not (a slow-loris client trickling its headers).
 */
public record HttpLimits(int maxHeaderBytes, int maxRequestLineBytes, Duration idleTimeout, int maxConnections,
                         Duration requestTimeout, Duration shutdownGrace) {

    public static final HttpLimits DEFAULTS = new HttpLimits(16 * 1024, 4096, Duration.ofMinutes(2),
            10_000, Duration.ofSeconds(30), Duration.ofSeconds(10));

    public HttpLimits {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        requirePositive(requestTimeout, "timeouts.request");
        if (maxHeaderBytes < 1024 || maxHeaderBytes > 1024 * 1024) {
            throw new IllegalArgumentException("limits.max-header-bytes: must be 1024-1048576, was " + maxHeaderBytes);
        }
        if (maxRequestLineBytes < 256 || maxRequestLineBytes > 65536) {
            throw new IllegalArgumentException("limits.max-request-line-bytes: must be 256-65536, was "
                    + maxRequestLineBytes);
        }
        requirePositive(idleTimeout, "timeouts.idle-connection");
        if (maxConnections < 1 || maxConnections > 1_000_000) {
            throw new IllegalArgumentException("limits.max-connections: must be 1-1000000, was " + maxConnections);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("timeouts.shutdown-grace: must not be negative");
        }
    }

    private static void requirePositive(Duration value, String key) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + ": must be positive, was " + value);
        }
    }
}
