package dev.tollgate.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What clients may cost the listener: header and request-line sizes (bodies are limited per
 * endpoint by {@code limits.max-body-bytes}), how many connections it holds, and how long one may
 * sit idle. Helidon closes a connection idle between requests or stalled before its request line
 * is complete after {@code idleTimeout}; {@code requestTimeout} bounds a request from its request
 * line to its response, which Helidon does not (a slow-loris client trickling its headers).
 * Every listener has these limits; the management port holds at most {@code managementMaxConnections}
 * connections of its own, as scrapers and probes need a few, and a flood there must not cost what
 * the public listener's cap allows.
 */
public record HttpLimits(int maxHeaderBytes, int maxRequestLineBytes, Duration idleTimeout, int maxConnections,
                         Duration requestTimeout, Duration shutdownGrace, int managementMaxConnections) {

    public static final HttpLimits DEFAULTS = new HttpLimits(16 * 1024, 4096, Duration.ofMinutes(2),
            10_000, Duration.ofSeconds(30), Duration.ofSeconds(10), 100);

    /**
     * @throws IllegalArgumentException one line per setting out of range, each starting with its
     *                                  key ({@code limits.max-header-bytes: must be ...})
     */
    public HttpLimits {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        List<String> problems = new ArrayList<>();
        if (maxHeaderBytes < 1024 || maxHeaderBytes > 1024 * 1024) {
            problems.add("limits.max-header-bytes: must be from 1024 to 1048576");
        }
        if (maxRequestLineBytes < 256 || maxRequestLineBytes > 65536) {
            problems.add("limits.max-request-line-bytes: must be from 256 to 65536");
        }
        // Helidon checks for idle connections at a tenth of the timeout, 100 ms at the least.
        if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add("timeouts.idle-connection: must be at least 1s");
        }
        if (maxConnections < 1 || maxConnections > 1_000_000) {
            problems.add("limits.max-connections: must be from 1 to 1000000");
        }
        if (managementMaxConnections < 1 || managementMaxConnections > 1_000_000) {
            problems.add("limits.management-max-connections: must be from 1 to 1000000");
        }
        if (requestTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add("timeouts.request: must be at least 1s");
        }
        if (shutdownGrace.isNegative()) {
            problems.add("timeouts.shutdown-grace: must not be negative");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }
}
