package dev.tollgate.server;

import dev.tollgate.server.config.HttpLimits;
import dev.tollgate.server.config.TlsConfig;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The listeners, apart from what they serve: the public one (host, port, TLS, limits), the
 * management one (metrics and health, kept off the public port where scrapers and probes have no
 * business), and with TLS an optional plain-HTTP one whose only answer is a redirect to HTTPS.
 */
final class Listeners {

    /** Above any endpoint's own body limit; also the most an unread body is drained to keep its answer. */
    private static final long MAX_PAYLOAD_BYTES = 4L * 1024 * 1024;

    static final String MANAGEMENT_SOCKET = "management";
    static final String REDIRECT_SOCKET = "https-redirect";

    private static final HeaderName STRICT_TRANSPORT_SECURITY = HeaderNames.create("Strict-Transport-Security");
    private static final HeaderName CONTENT_TYPE_OPTIONS = HeaderNames.create("X-Content-Type-Options");

    private Listeners() {
    }

    /**
     * On every answer: {@code X-Content-Type-Options: nosniff}, so no browser reads a JSON body or an
     * error (which may echo a request's text) as HTML or script; and under TLS, HSTS (RFC 6797 §7.1:
     * only over a secure transport; browsers then refuse plain HTTP for max-age).
     */
    static void addSecurityHeaders(HttpRouting.Builder routing, TlsConfig tls) {
        String hsts = tls != null && !tls.hstsMaxAge().isZero() ? "max-age=" + tls.hstsMaxAge().toSeconds() : null;
        routing.addFilter((chain, req, res) -> {
            res.header(CONTENT_TYPE_OPTIONS, "nosniff");
            if (hsts != null) {
                res.header(STRICT_TRANSPORT_SECURITY, hsts);
            }
            chain.proceed();
        });
    }

    /** @param httpsPort the public port once bound, for the redirect listener's answers */
    static WebServerConfig.Builder configure(ServerConfig config, RequestDeadline deadline, HttpRouting.Builder routing,
                                             HttpRouting.Builder management, IntSupplier httpsPort) {
        HttpLimits limits = config.limits();
        TlsConfig tls = config.tls();
        // On every listener: a Connection: close answer ends the connection, read body or not, and a
        // body left unread must arrive within the drain time or the connection ends.
        ConnectionClose close = new ConnectionClose(MAX_PAYLOAD_BYTES, drainTime(limits));
        routing.addFilter(close.filter());
        management.addFilter(close.filter());
        WebServerConfig.Builder builder = WebServer.builder()
                .host(config.host())
                .port(config.port())
                // A safety net above the endpoints' own limit, which answers with an OAuth error body.
                .maxPayloadSize(MAX_PAYLOAD_BYTES)
                .idleConnectionTimeout(limits.idleTimeout())
                .shutdownGracePeriod(limits.shutdownGrace())
                .idleConnectionPeriod(idleCheckPeriod(limits))
                .maxTcpConnections(limits.maxConnections())
                .addProtocol(limitedHttp1(limits, deadline, close))
                .routing(routing)
                // Health, readiness and metrics get the public listener's protections (issue 11):
                // without them one slow-loris client per connection could hold the port's probes off.
                .putSocket(MANAGEMENT_SOCKET, socket -> socket
                        .host(config.host())
                        .port(config.managementPort())
                        .maxPayloadSize(MAX_PAYLOAD_BYTES)
                        .idleConnectionTimeout(limits.idleTimeout())
                        .idleConnectionPeriod(idleCheckPeriod(limits))
                        .maxTcpConnections(limits.managementMaxConnections())
                        .addProtocol(limitedHttp1(limits, deadline, close)))
                .routing(MANAGEMENT_SOCKET, management);
        if (tls != null) {
            builder.tls(TlsMaterial.serverTls(tls));
            if (tls.redirectPort() != 0) {
                builder.putSocket(REDIRECT_SOCKET, socket -> socket
                                .host(config.host())
                                .port(tls.redirectPort())
                                .idleConnectionTimeout(limits.idleTimeout())
                                .idleConnectionPeriod(idleCheckPeriod(limits))
                                .addProtocol(closingHttp1(close)))
                        .routing(REDIRECT_SOCKET, HttpRouting.builder().addFilter(close.filter())
                                .any(new HttpsRedirect(config, httpsPort)));
            }
        }
        return builder;
    }

    /**
     * One receive listener that calls two. Helidon 4.5.0 wraps two or more registered listeners in
     * a composite that forwards no request line and no headers (Http1ConnectionListenerUtil's
     * ListFrameListener overrides nothing), so each would silently stop being called.
     */
    private static Http1ConnectionListener both(Http1ConnectionListener first, Http1ConnectionListener second) {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                first.prologue(ctx, prologue);
                second.prologue(ctx, prologue);
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                first.headers(ctx, headers);
                second.headers(ctx, headers);
            }
        };
    }

    /**
     * HTTP/1 within the configured header and request-line sizes, with the request deadline and the
     * connection-close listener (a socket's own protocols replace the server's, so each gets its own).
     */
    private static Http1Config limitedHttp1(HttpLimits limits, RequestDeadline deadline, ConnectionClose close) {
        return Http1Config.builder()
                .maxHeadersSize(limits.maxHeaderBytes())
                .maxPrologueLength(limits.maxRequestLineBytes())
                .addReceiveListener(both(deadline.receiving(), close.receiving()))
                .addSendListener(deadline.sending())
                .build();
    }

    /** HTTP/1 with Helidon's defaults, plus the connection-close listener (a socket's own protocols replace the server's). */
    private static Http1Config closingHttp1(ConnectionClose close) {
        return Http1Config.builder()
                .addReceiveListener(close.receiving())
                .build();
    }

    /** Helidon logs a listener that cannot bind and carries on with port -1; Tollgate refuses to. */
    static void requireBound(WebServer server, ServerConfig config) {
        TlsConfig tls = config.tls();
        boolean redirect = tls != null && tls.redirectPort() != 0;
        if (!server.isRunning() || server.port() < 0 || server.port(MANAGEMENT_SOCKET) < 0
                || (redirect && server.port(REDIRECT_SOCKET) < 0)) {
            server.stop();
            throw new IllegalStateException("cannot listen on " + config.host() + " port " + config.port()
                    + " (management port " + config.managementPort()
                    + (redirect ? ", redirect port " + tls.redirectPort() : "")
                    + "): address in use or not available");
        }
    }

    /**
     * Helidon looks for idle connections every period (2 minutes by default), so a timeout shorter
     * than that would be honoured late; checking at a tenth of the timeout keeps it within 10%.
     */
    /**
     * A body sent with its request is on the wire within milliseconds; two seconds covers a slow
     * link without letting a client that stopped sending hold the connection for the request timeout.
     */
    private static Duration drainTime(HttpLimits limits) {
        Duration twoSeconds = Duration.ofSeconds(2);
        return limits.requestTimeout().compareTo(twoSeconds) < 0 ? limits.requestTimeout() : twoSeconds;
    }

    private static Duration idleCheckPeriod(HttpLimits limits) {
        Duration tenth = limits.idleTimeout().dividedBy(10);
        return tenth.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100)
                : tenth.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : tenth;
    }

    /** The host as it goes into a URL: a wildcard address becomes localhost, an IPv6 literal gets brackets. */
    static String hostForUrl(String host) {
        return switch (host) {
            case "0.0.0.0", "::", "" -> "localhost";
            default -> host.contains(":") ? "[" + host + "]" : host;
        };
    }
}
