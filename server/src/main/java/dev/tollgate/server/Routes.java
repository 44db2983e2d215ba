package dev.tollgate.server;

import com.nimbusds.oauth2.sdk.ErrorObject;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.server.admin.AdminApiEndpoint;
import dev.tollgate.server.api.UsersEndpoint;
import dev.tollgate.server.console.ConsoleEndpoint;
import dev.tollgate.server.http.Bulkhead;
import dev.tollgate.server.http.DiscoveryEndpoints;
import dev.tollgate.server.http.IntrospectionEndpoint;
import dev.tollgate.server.http.OAuthResponses;
import dev.tollgate.server.http.RetryAfter;
import dev.tollgate.server.http.RevocationEndpoint;
import dev.tollgate.server.http.StartPage;
import dev.tollgate.server.http.TokenEndpoint;
import dev.tollgate.server.ops.Metrics;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The public listener's routes, as one table: each row's pattern is written once, and both the
 * Helidon route and the metric's {@code route} tag come from it. The admin API and the console
 * register their own routes (their paths carry ids, and the console counts as one route).
 */
final class Routes {

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    /** How a route is measured: into the token latency histogram, or the per-route request timer. */
    enum Timing { TOKEN, HTTP }

    /**
     * @param method null for any method (the endpoint answers 405 itself, in OAuth's words)
     */
    record Route(Method method, String pattern, Handler handler, Timing timing) {

        /** The metric's route tag: the pattern without a trailing slash, so both spellings count as one route. */
        String metricName() {
            return pattern.length() > 1 && pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
        }
    }

    /** The PAM token route's two spellings (the reference's typo and the word), each with and without the slash. */
    private static final List<String> PAM_TOKEN_PATHS = List.of(
            "/pam/apps/autheticate/oauth/token-generation",
            "/pam/apps/autheticate/oauth/token-generation/",
            "/pam/apps/authenticate/oauth/token-generation",
            "/pam/apps/authenticate/oauth/token-generation/");

    private Routes() {
    }

    /** @param oauth the permits introspection and revocation share: their reads must not queue for the pool */
    static List<Route> table(TokenEndpoint token, IntrospectionEndpoint introspection, RevocationEndpoint revocation,
                             DiscoveryEndpoints discovery, UsersEndpoint users, StartPage start, Bulkhead oauth) {
        List<Route> routes = new java.util.ArrayList<>(List.of(
                new Route(null, "/t/{tenant}/oauth2/token", token.canonical(), Timing.TOKEN),
                new Route(null, "/t/{tenant}/oauth2/introspect", oauth.guard(introspection::introspect), Timing.HTTP),
                new Route(null, "/t/{tenant}/oauth2/revoke", oauth.guard(revocation::revoke), Timing.HTTP),
                new Route(Method.GET, "/t/{tenant}/oauth2/jwks", discovery::jwks, Timing.HTTP),
                new Route(Method.GET, "/t/{tenant}/.well-known/oauth-authorization-server", discovery::metadata, Timing.HTTP),
                new Route(Method.GET, "/t/{tenant}/.well-known/openid-configuration", discovery::metadata, Timing.HTTP),
                // RFC 8414 §3.1: the well-known segment goes between host and the issuer's path.
                new Route(Method.GET, "/.well-known/oauth-authorization-server/t/{tenant}", discovery::metadata, Timing.HTTP),
                new Route(Method.GET, "/.well-known/openid-configuration/t/{tenant}", discovery::metadata, Timing.HTTP),
                new Route(null, "/oauth/token", token.paymentGateway(), Timing.TOKEN),
                // The users API (reference document 1), checked with the verifier library.
                new Route(null, "/t/{tenant}/api/v1/users", users::collection, Timing.HTTP),
                new Route(null, "/t/{tenant}/api/v1/users/{id}", users::item, Timing.HTTP),
                new Route(null, "/pam/apps/users/user", users::pam, Timing.HTTP),
                new Route(null, "/pam/apps/users/user/", users::pam, Timing.HTTP),
                new Route(Method.GET, "/", start::page, Timing.HTTP),
                new Route(Method.GET, "/docs/{name}", start::doc, Timing.HTTP)));
        for (String path : PAM_TOKEN_PATHS) {
            routes.add(new Route(null, path, token.pam(), Timing.TOKEN));
        }
        return List.copyOf(routes);
    }

    /**
     * Registers every row, measured under its metric name, then the admin API and the console behind
     * their shared bulkhead, then the error handlers.
     */
    static void register(HttpRouting.Builder routing, List<Route> table, Metrics metrics, AdminApiEndpoint adminApi,
                         ConsoleEndpoint console, Bulkhead admin) {
        for (Route route : table) {
            Handler handler = route.timing() == Timing.TOKEN
                    ? metrics.timedToken(route.metricName(), route.handler())
                    : metrics.timed(route.metricName(), route.handler());
            if (route.method() == null) {
                routing.any(route.pattern(), handler);
            } else {
                routing.route(route.method(), route.pattern(), handler);
            }
        }
        adminApi.register(routing, (route, handler) -> metrics.timed(route, admin.guard(handler)));
        // The console counts as one route for metrics: its paths carry ids, which would add series.
        console.register(routing, handler -> metrics.timed("/console", admin.guard(handler)));
        routing
                // With a filter in front (RemoteAddress's, and HSTS's under TLS), Helidon's own answers
                // (no such route: 404) reach these handlers as HttpExceptions. They are not our bug:
                // answer their status, as Helidon does when no filter is registered.
                .error(HttpException.class, (req, res, e) -> {
                    res.status(e.status());
                    res.send();
                })
                // A store outage while a client isn't cached yet: retryable, and said in OAuth's words.
                .error(StoreException.class, (req, res, e) -> {
                    LOG.warn("store unavailable: {}", e.getMessage());
                    RetryAfter.set(res, Duration.ofSeconds(5));
                    OAuthResponses.sendError(res, new ErrorObject("temporarily_unavailable",
                            "the store is unavailable; retry shortly", 503), "tollgate");
                })
                // Anything else is our bug: log it, and tell the client nothing about its insides.
                .error(RuntimeException.class, (req, res, e) -> {
                    LOG.error("unexpected failure on {} {}", req.prologue().method(), req.path().path(), e);
                    OAuthResponses.sendError(res, new ErrorObject("server_error", "internal error", 500), "tollgate");
                });
    }
}
