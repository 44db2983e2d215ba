package dev.tollgate.server;

import dev.tollgate.core.tenant.TenantId;
import com.nimbusds.oauth2.sdk.ErrorObject;
import dev.tollgate.server.admin.AdminApiEndpoint;
import dev.tollgate.server.api.TenantVerifiers;
import dev.tollgate.server.console.ConsoleEndpoint;
import dev.tollgate.server.api.UsersEndpoint;
import dev.tollgate.server.ops.TokenAudit;
import dev.tollgate.server.ops.TokenEventStream;
import dev.tollgate.server.http.DiscoveryEndpoints;
import dev.tollgate.server.http.IntrospectionEndpoint;
import dev.tollgate.server.http.OAuthResponses;
import dev.tollgate.server.http.RemoteAddress;
import dev.tollgate.server.http.RevocationEndpoint;
import dev.tollgate.server.http.StartPage;
import dev.tollgate.server.http.TokenEndpoint;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.server.http.Bulkhead;
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

    private static final String MANAGEMENT_SOCKET = Listeners.MANAGEMENT_SOCKET;
    private static final String REDIRECT_SOCKET = Listeners.REDIRECT_SOCKET;

    private final Tollgate app;
    private final WebServer server;
    private final String baseUrl;
    private final Metrics metrics;
    private final RequestDeadline deadline;
    /** The token audit stream, in its mode; null otherwise. */
    private final TokenEventStream stream;

    private TollgateServer(Tollgate app, WebServer server, String baseUrl, Metrics metrics, RequestDeadline deadline,
                           TokenEventStream stream) {
        this.stream = stream;
        this.deadline = deadline;
        this.app = app;
        this.server = server;
        this.baseUrl = baseUrl;
        this.metrics = metrics;
    }

    /** Starts listening; with port 0 the system picks one, and issuers follow the bound port unless public-url is set. */
    public static TollgateServer start(Tollgate app, ServerConfig config) {
        // Routing reads the issuer function lazily: with port 0 it is sealed once the port is known.
        Function<TenantId, String> issuers = t -> app.issuers().apply(t);
        String scheme = config.scheme();
        // The issuer a token is minted with must never change once a request is served. With a
        // public URL or a fixed port it is known now, and sealed before the listener opens. With
        // port 0 it is known only once the listener is bound: a request that needs the issuers in
        // the moment between binding and sealing waits for the seal (Tollgate.holdIssuersUntilSealed).
        // Reserving a port with a ServerSocket first was the alternative, but another process can
        // take the port between our close and Helidon's bind; the wait costs a volatile read.
        // Sealed first, so that a second server over this application fails before opening anything.
        boolean sealedBeforeListening = config.publicUrl() != null || config.port() != 0;
        if (sealedBeforeListening) {
            app.sealIssuers(Tollgate.issuersFor(config.publicUrl() != null ? config.publicUrl()
                    : scheme + "://" + Listeners.hostForUrl(config.host()) + ":" + config.port()));
        } else {
            app.holdIssuersUntilSealed();
        }
        TokenEventStream stream;
        try {
            stream = config.tokenAudit() == TokenAudit.Mode.STREAM
                    ? TokenEventStream.open(config.tokenStream(), config.tokenStreamDirectory(), app.clock()) : null;
        } catch (RuntimeException e) {
            // A directory that can't be written: nothing was served.
            undoSeal(app, sealedBeforeListening);
            throw e;
        }
        Metrics metrics = new Metrics(t -> app.directory().tenant(t).isPresent());
        // Brute-force limits, one guard for the three endpoints a client authenticates at, so a guess
        // counts the same wherever it is made.
        // Counted over every node of the store (issue 13, point 8): a node's new failures go to the store
        // each second and the cluster's counts come back, so N nodes behind a balancer limit as one.
        var guard = new dev.tollgate.core.abuse.ClientAuthenticationGuard(
                config.bruteForce(), app.clock(), app.store().clientAuthFailures());
        metrics.bindTokenAudit(stream, app.tokenCounters());
        TokenAudit tokenAudit = new TokenAudit(config.tokenAudit(), app.tokenCounters(), app.tokenAudit(), stream,
                app.clock());
        TokenEndpoint token = new TokenEndpoint(app.tokens(), issuers, config.defaultTenant(), config.maxBodyBytes(),
                metrics, tokenAudit, guard);
        DiscoveryEndpoints discovery = new DiscoveryEndpoints(app.directory(), app.store(), issuers, app.clock());
        IntrospectionEndpoint introspection = new IntrospectionEndpoint(app.tokens(), app.introspector(), issuers,
                guard, metrics, tokenAudit, config.maxBodyBytes());
        RevocationEndpoint revocation = new RevocationEndpoint(app.tokens(), app.introspector(), app.revocations(),
                issuers, guard, metrics, config.maxBodyBytes());
        // Every revocation in the store is known before the first request is served.
        app.revocations().startRefreshing();
        app.replays().startPruning();
        app.listenForChanges();
        StartPage start = new StartPage(config.defaultTenant(), issuers, TollgateVersion.current());
        UsersEndpoint users = new UsersEndpoint(app.directory(), app.store().users(), app.adminOperations().users(),
                app.revocations(), issuers,
                app.clock(), config.maxBodyBytes());
        AdminApiEndpoint adminApi = new AdminApiEndpoint(app.adminAccounts(), app.adminOperations(),
                new TenantVerifiers(app.directory(), issuers, app.clock(), app.revocations()), app.directory(),
                servedOverHttps(config), config.maxBodyBytes(), config.clientKeys().allowPrivateAddresses());
        HttpRouting.Builder routing = HttpRouting.builder();
        Listeners.addSecurityHeaders(routing, config.tls());
        new RemoteAddress(config.trustedProxies()).register(routing);
        Routes.register(routing, Routes.table(token, introspection, revocation, discovery, users, start,
                        Bulkhead.oauth(config.bulkheads().oauthPermits())), metrics,
                adminApi, new ConsoleEndpoint(app.adminAccounts(), app.adminOperations(), config.defaultTenant(),
                        app.directory()::tenant, tenant -> app.issuers().apply(tenant), app.clock(),
                        servedOverHttps(config), config.maxBodyBytes()),
                Bulkhead.admin(config.bulkheads().adminPermits()));
        Health health = new Health(app.store(), app.directory());
        HttpRouting.Builder management = HttpRouting.builder()
                .route(Method.GET, "/metrics", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    res.send(metrics.scrape());
                })
                .route(Method.GET, "/health/live", health::live)
                .route(Method.GET, "/health/ready", health::ready)
                .route(Method.GET, "/health/admin", health::admin);
        Listeners.addSecurityHeaders(management, null);

        RequestDeadline deadline = new RequestDeadline(config.limits().requestTimeout());
        AtomicInteger httpsPort = new AtomicInteger(config.port());
        WebServer server = null;
        String baseUrl;
        try {
            server = Listeners.configure(config, deadline, routing, management, httpsPort::get).build().start();
            Listeners.requireBound(server, config);
            httpsPort.set(server.port());
            baseUrl = config.publicUrl() != null ? config.publicUrl()
                    : scheme + "://" + Listeners.hostForUrl(config.host()) + ":" + server.port();
            // Only once the listeners are open: HikariCP takes one metrics tracker per pool and
            // never lets it go, so a start that failed would keep it from every later start.
            bind(metrics, app);
            if (!sealedBeforeListening) {
                // Last: once sealed, requests are served, and the start must not fail any more.
                app.sealIssuers(Tollgate.issuersFor(baseUrl));
            }
        } catch (RuntimeException e) {
            if (server != null) {
                server.stop();
            }
            undoSeal(app, sealedBeforeListening);
            deadline.close();
            metrics.close();
            if (stream != null) {
                stream.close();
            }
            throw e;
        }
        app.startAuditPruning(config.auditRetention());
        app.startTokenCounting(config.tokenCountsFlushInterval());
        app.startKeyRotation(Tollgate.KEY_ROTATION_TICK);
        app.startFailureSharing(guard, Tollgate.FAILURE_SHARING_INTERVAL);
        LOG.info("listening on {} (store: {}); metrics and health on port {}{}", baseUrl, app.store().describe(),
                server.port(MANAGEMENT_SOCKET), config.tls() != null && config.tls().redirectPort() != 0
                        ? "; plain HTTP on port " + server.port(REDIRECT_SOCKET) + " redirects to HTTPS" : "");
        return new TollgateServer(app, server, baseUrl, metrics, deadline, stream);
    }

    private static void undoSeal(Tollgate app, boolean sealedBeforeListening) {
        if (sealedBeforeListening) {
            // Nothing was served, so no token carries these issuers: the next start seals its own.
            app.unsealIssuers();
        } else {
            app.releaseIssuers();
        }
    }

    /**
     * Whether browsers reach us over HTTPS: our own TLS, or a proxy in front that terminates it (the
     * public URL says https). Then the session cookie is Secure and same-origin means https.
     */
    private static boolean servedOverHttps(ServerConfig config) {
        return config.tls() != null || (config.publicUrl() != null && config.publicUrl().startsWith("https://"));
    }

    /** The directory's caches and the store's pool, into the server's registry. */
    private static void bind(Metrics metrics, Tollgate app) {
        metrics.bindDirectory(app.directory());
        if (app.store() instanceof JdbcStore jdbc) {
            try {
                metrics.bindPool(jdbc);
            } catch (IllegalStateException e) {
                // HikariCP takes one tracker per pool: a second server over the same store goes without.
                LOG.warn("pool metrics already reported elsewhere: {}", e.getMessage());
            }
        }
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

    /** The token audit stream, or null when token events are committed to the store or off. */
    public TokenEventStream tokenStream() {
        return stream;
    }

    /** Stops listening once in-flight requests are answered, then writes the stream's last events. */
    @Override
    public void close() {
        server.stop();
        if (stream != null) {
            stream.close();
        }
        deadline.close();
        metrics.close();
    }
}
