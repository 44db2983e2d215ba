package dev.tollgate.server;

import dev.tollgate.core.tenant.TenantId;
import com.nimbusds.oauth2.sdk.ErrorObject;
import dev.tollgate.server.admin.AdminApiEndpoint;
import dev.tollgate.server.api.TenantVerifiers;
import dev.tollgate.server.console.ConsoleEndpoint;
import dev.tollgate.server.api.UsersEndpoint;
import dev.tollgate.server.ops.TokenAudit;
import dev.tollgate.server.http.DiscoveryEndpoints;
import dev.tollgate.server.http.IntrospectionEndpoint;
import dev.tollgate.server.http.OAuthResponses;
import dev.tollgate.server.http.RevocationEndpoint;
import dev.tollgate.server.http.StartPage;
import dev.tollgate.server.http.TokenEndpoint;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.server.ops.Health;
import dev.tollgate.server.ops.Metrics;
import dev.tollgate.store.JdbcStore;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import dev.tollgate.server.config.HttpLimits;
import dev.tollgate.server.config.TlsConfig;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Tollgate behind Helidon SE's WebServer: one virtual thread per request, no framework. */
public final class TollgateServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TollgateServer.class);

    private static final String[] PAM_TOKEN_PATHS = {
            "/pam/apps/autheticate/oauth/token-generation",
            "/pam/apps/authenticate/oauth/token-generation",
    };

    /** The listener for metrics and health: kept off the public port, where scrapers and probes have no business. */
    static final String MANAGEMENT_SOCKET = "management";

    /** With TLS, an optional plain-HTTP listener whose only answer is a redirect to HTTPS. */
    static final String REDIRECT_SOCKET = "https-redirect";

    private static final HeaderName STRICT_TRANSPORT_SECURITY = HeaderNames.create("Strict-Transport-Security");

    private final Tollgate app;
    private final WebServer server;
    private final String baseUrl;
    private final Metrics metrics;
    private final RequestDeadline deadline;

    private TollgateServer(Tollgate app, WebServer server, String baseUrl, Metrics metrics, RequestDeadline deadline) {
        this.deadline = deadline;
        this.app = app;
        this.server = server;
        this.baseUrl = baseUrl;
        this.metrics = metrics;
    }

    /** Starts listening; with port 0 the system picks one, and issuers follow the bound port unless public-url is set. */
    public static TollgateServer start(Tollgate app, ServerConfig config) {
        // Routing reads the issuer function lazily, so it can be fixed after the port is known.
        Function<TenantId, String> issuers = t -> app.issuers().apply(t);
        Metrics metrics = metrics(app);
        // Brute-force limits, one guard for the three endpoints a client authenticates at, so a guess
        // counts the same wherever it is made. Configuration: pass other Settings here.
        var guard = new dev.tollgate.core.abuse.ClientAuthenticationGuard(
                config.bruteForce(), app.clock());
        TokenEndpoint token = new TokenEndpoint(app.tokens(), issuers, config.defaultTenant(), config.maxBodyBytes(),
                metrics, new TokenAudit(app.tokenAudit(), app.clock(), config.tokenAudit()), guard);
        DiscoveryEndpoints discovery = new DiscoveryEndpoints(app.directory(), app.store(), issuers, app.clock());
        IntrospectionEndpoint introspection = new IntrospectionEndpoint(app.tokens(), app.introspector(), issuers,
                guard, metrics, config.maxBodyBytes());
        RevocationEndpoint revocation = new RevocationEndpoint(app.tokens(), app.introspector(), app.revocations(),
                issuers, guard, metrics, config.maxBodyBytes());
        // Every revocation in the store is known before the first request is served.
        app.revocations().startRefreshing();
        StartPage start = new StartPage(config.defaultTenant(), issuers, TollgateVersion.current());
        UsersEndpoint users = new UsersEndpoint(app.directory(), app.store().users(), app.revocations(), issuers,
                app.clock());
        AdminApiEndpoint adminApi = new AdminApiEndpoint(app.adminAccounts(), app.adminOperations(),
                new TenantVerifiers(app.directory(), issuers, app.clock(), app.revocations()), app.directory(),
                servedOverHttps(config));

        HttpRouting.Builder routing = HttpRouting.builder()
                .any("/t/{tenant}/oauth2/token", metrics.timedToken("/t/{tenant}/oauth2/token", token::canonical))
                .any("/t/{tenant}/oauth2/introspect", metrics.timed("/t/{tenant}/oauth2/introspect", introspection::introspect))
                .any("/t/{tenant}/oauth2/revoke", metrics.timed("/t/{tenant}/oauth2/revoke", revocation::revoke))
                .route(Method.GET, "/t/{tenant}/oauth2/jwks", metrics.timed("/t/{tenant}/oauth2/jwks", discovery::jwks))
                .route(Method.GET, "/t/{tenant}/.well-known/oauth-authorization-server",
                        metrics.timed("/t/{tenant}/.well-known/oauth-authorization-server", discovery::metadata))
                .route(Method.GET, "/t/{tenant}/.well-known/openid-configuration",
                        metrics.timed("/t/{tenant}/.well-known/openid-configuration", discovery::metadata))
                // RFC 8414 §3.1: the well-known segment goes between host and the issuer's path.
                .route(Method.GET, "/.well-known/oauth-authorization-server/t/{tenant}",
                        metrics.timed("/.well-known/oauth-authorization-server/t/{tenant}", discovery::metadata))
                .route(Method.GET, "/.well-known/openid-configuration/t/{tenant}",
                        metrics.timed("/.well-known/openid-configuration/t/{tenant}", discovery::metadata))
                .any("/oauth/token", metrics.timedToken("/oauth/token", token::legacyOAuthToken))
                // The users API (reference document 1), checked with the verifier library.
                .any("/t/{tenant}/api/v1/users", metrics.timed("/t/{tenant}/api/v1/users", users::collection))
                .any("/t/{tenant}/api/v1/users/{id}", metrics.timed("/t/{tenant}/api/v1/users/{id}", users::item))
                .any("/pam/apps/users/user", metrics.timed("/pam/apps/users/user", users::pam))
                .any("/pam/apps/users/user/", metrics.timed("/pam/apps/users/user", users::pam))
                .route(Method.GET, "/", metrics.timed("/", start::page))
                .route(Method.GET, "/docs/{name}", metrics.timed("/docs/{name}", start::doc))
                // A store outage while a client isn't cached yet: retryable, and said in OAuth's words.
                .error(StoreException.class, (req, res, e) -> {
                    LOG.warn("store unavailable: {}", e.getMessage());
                    res.header(HeaderNames.RETRY_AFTER, "5");
                    OAuthResponses.sendError(res, new ErrorObject("temporarily_unavailable",
                            "the store is unavailable; retry shortly", 503), "tollgate");
                })
                // Anything else is our bug: log it, and tell the client nothing about its insides.
                .error(RuntimeException.class, (req, res, e) -> {
                    LOG.error("unexpected failure on {} {}", req.prologue().method(), req.path().path(), e);
                    OAuthResponses.sendError(res, new ErrorObject("server_error", "internal error", 500), "tollgate");
                });
        adminApi.register(routing, metrics::timed);
        // The console counts as one route for metrics: its paths carry ids, which would add series.
        new ConsoleEndpoint(app.adminAccounts(), app.adminOperations(), config.defaultTenant(),
                app.directory()::tenant, tenant -> app.issuers().apply(tenant), app.clock(), servedOverHttps(config))
                .register(routing, handler -> metrics.timed("/console", handler));
        for (String path : PAM_TOKEN_PATHS) {
            routing.any(path, metrics.timedToken(path, token::pamTokenGeneration));
            routing.any(path + "/", metrics.timedToken(path, token::pamTokenGeneration));
        }
        Health health = new Health(app.store(), app.directory());
        HttpRouting.Builder management = HttpRouting.builder()
                .route(Method.GET, "/metrics", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    res.send(metrics.scrape());
                })
                .route(Method.GET, "/health/live", health::live)
                .route(Method.GET, "/health/ready", health::ready);

        String scheme = config.scheme();
        if (config.publicUrl() == null && config.port() != 0) {
            // Known before the listener opens, so no token is minted with a placeholder issuer.
            app.useIssuers(Tollgate.issuersFor(scheme + "://" + hostForUrl(config.host()) + ":" + config.port()));
        }
        HttpLimits limits = config.limits();
        RequestDeadline deadline = new RequestDeadline(limits.requestTimeout());
        TlsConfig tls = config.tls();
        if (tls != null && !tls.hstsMaxAge().isZero()) {
            // RFC 6797 §7.1: only over a secure transport; browsers then refuse plain HTTP for max-age.
            String hsts = "max-age=" + tls.hstsMaxAge().toSeconds();
            routing.addFilter((chain, req, res) -> {
                res.header(STRICT_TRANSPORT_SECURITY, hsts);
                chain.proceed();
            });
        }
        WebServerConfig.Builder builder = WebServer.builder()
                .host(config.host())
                .port(config.port())
                // A safety net above the endpoints' own limit, which answers with an OAuth error body.
                .maxPayloadSize(4L * 1024 * 1024)
                .idleConnectionTimeout(limits.idleTimeout())
                .shutdownGracePeriod(limits.shutdownGrace())
                .idleConnectionPeriod(idleCheckPeriod(limits))
                .maxTcpConnections(limits.maxConnections())
                .addProtocol(Http1Config.builder()
                        .maxHeadersSize(limits.maxHeaderBytes())
                        .maxPrologueLength(limits.maxRequestLineBytes())
                        .addReceiveListener(deadline.receiving())
                        .addSendListener(deadline.sending())
                        .build())
                .routing(routing)
                .putSocket(MANAGEMENT_SOCKET, socket -> socket
                        .host(config.host())
                        .port(config.managementPort())
                        .idleConnectionTimeout(limits.idleTimeout())
                        .idleConnectionPeriod(idleCheckPeriod(limits)))
                .routing(MANAGEMENT_SOCKET, management);
        AtomicInteger httpsPort = new AtomicInteger(config.port());
        if (tls != null) {
            builder.tls(TlsMaterial.serverTls(tls));
            if (tls.redirectPort() != 0) {
                builder.putSocket(REDIRECT_SOCKET, socket -> socket
                                .host(config.host())
                                .port(tls.redirectPort())
                                .idleConnectionTimeout(limits.idleTimeout())
                                .idleConnectionPeriod(idleCheckPeriod(limits)))
                        .routing(REDIRECT_SOCKET, HttpRouting.builder().any(new HttpsRedirect(config, httpsPort::get)));
            }
        }
        WebServer server;
        try {
            server = builder.build().start();
        } catch (RuntimeException e) {
            deadline.close();
            throw e;
        }
        // Helidon logs a listener that cannot bind and carries on with port -1; Tollgate refuses to.
        if (!server.isRunning() || server.port() < 0 || server.port(MANAGEMENT_SOCKET) < 0
                || (tls != null && tls.redirectPort() != 0 && server.port(REDIRECT_SOCKET) < 0)) {
            server.stop();
            deadline.close();
            throw new IllegalStateException("cannot listen on " + config.host() + " port " + config.port()
                    + " (management port " + config.managementPort()
                    + (tls != null && tls.redirectPort() != 0 ? ", redirect port " + tls.redirectPort() : "")
                    + "): address in use or not available");
        }
        httpsPort.set(server.port());
        String baseUrl = config.publicUrl() != null ? config.publicUrl()
                : scheme + "://" + hostForUrl(config.host()) + ":" + server.port();
        if (config.publicUrl() == null) {
            app.useIssuers(Tollgate.issuersFor(baseUrl));
        }
        app.startAuditPruning(config.auditRetention());
        LOG.info("listening on {} (store: {}); metrics and health on port {}{}", baseUrl, app.store().describe(),
                server.port(MANAGEMENT_SOCKET), tls != null && tls.redirectPort() != 0
                        ? "; plain HTTP on port " + server.port(REDIRECT_SOCKET) + " redirects to HTTPS" : "");
        return new TollgateServer(app, server, baseUrl, metrics, deadline);
    }

    /**
     * Whether browsers reach us over HTTPS: our own TLS, or a proxy in front that terminates it (the
     * public URL says https). Then the session cookie is Secure and same-origin means https.
     */
    private static boolean servedOverHttps(ServerConfig config) {
        return config.tls() != null || (config.publicUrl() != null && config.publicUrl().startsWith("https://"));
    }

    /**
     * Helidon looks for idle connections every period (2 minutes by default), so a timeout shorter
     * than that would be honoured late; checking at a tenth of the timeout keeps it within 10%.
     */
    private static Duration idleCheckPeriod(HttpLimits limits) {
        Duration tenth = limits.idleTimeout().dividedBy(10);
        return tenth.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100)
                : tenth.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : tenth;
    }

    private static Metrics metrics(Tollgate app) {
        Metrics metrics = new Metrics(t -> app.directory().tenant(t).isPresent());
        metrics.bindDirectory(app.directory());
        if (app.store() instanceof JdbcStore jdbc) {
            try {
                metrics.bindPool(jdbc);
            } catch (IllegalStateException e) {
                // HikariCP takes one tracker per pool: a second server over the same store goes without.
                LOG.warn("pool metrics already reported elsewhere: {}", e.getMessage());
            }
        }
        return metrics;
    }

    private static String hostForUrl(String host) {
        return switch (host) {
            case "0.0.0.0", "::", "" -> "localhost";
            default -> host.contains(":") ? "[" + host + "]" : host;
        };
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The plain-HTTP port that redirects to HTTPS, or -1 when there is none. */
    public int redirectPort() {
        return server.hasTls() && server.port(REDIRECT_SOCKET) > 0 ? server.port(REDIRECT_SOCKET) : -1;
    }

    /** The port serving {@code /metrics}, {@code /health/live} and {@code /health/ready}. */
    public int managementPort() {
        return server.port(MANAGEMENT_SOCKET);
    }

    public Tollgate app() {
        return app;
    }

    @Override
    public void close() {
        server.stop();
        deadline.close();
        metrics.close();
    }
}
