package dev.tollgate.server.admin;

import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.server.api.JsonApi;
import dev.tollgate.server.api.TenantVerifiers;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The admin API: JSON over {@code /t/{tenant}/admin/api/v1/…}, described by the OpenAPI document
 * at {@code /admin/api/openapi.json}. This class is its route table; each resource turns HTTP into
 * calls of {@link AdminOperations}, which checks the capability and writes the audit record, and
 * {@link AdminCaller} says who is calling.
 */
public final class AdminApiEndpoint {

    /** Where the versioned API lives; every route below is relative to it. */
    public static final String BASE = "/t/{tenant}/admin/api/v1";
    static final String CSRF_HEADER = AdminCaller.CSRF_HEADER;
    private static final String OPENAPI = loadOpenApi();

    private final SessionResource sessions;
    private final ClientResource clients;
    private final ScopeResource scopes;
    private final AdministratorResource admins;
    private final AuditResource audit;
    private final TenantSettingsResource settings;
    private final FederationResource federation;

    /** @param maxBodyBytes limits.max-body-bytes: the largest JSON body read */
    public AdminApiEndpoint(AdminAccounts accounts, AdminOperations operations, TenantVerifiers verifiers,
                            Directory directory, boolean secureCookies, int maxBodyBytes) {
        this(accounts, operations, verifiers, directory, secureCookies, maxBodyBytes, false);
    }

    /** @param allowPrivateJwksUri jwks-uri.allow-private-addresses: what a client's registered jwks_uri may name */
    public AdminApiEndpoint(AdminAccounts accounts, AdminOperations operations, TenantVerifiers verifiers,
                            Directory directory, boolean secureCookies, int maxBodyBytes, boolean allowPrivateJwksUri) {
        AdminCaller caller = new AdminCaller(accounts, verifiers, directory, secureCookies);
        AdminExchange exchange = new AdminExchange(maxBodyBytes);
        this.sessions = new SessionResource(caller, accounts, operations, exchange, secureCookies);
        this.clients = new ClientResource(caller, operations, exchange, allowPrivateJwksUri);
        this.scopes = new ScopeResource(caller, operations, exchange);
        this.admins = new AdministratorResource(caller, operations, exchange);
        this.audit = new AuditResource(caller, operations);
        this.settings = new TenantSettingsResource(caller, operations, exchange);
        this.federation = new FederationResource(caller, operations, exchange, allowPrivateJwksUri,
                java.time.Clock.systemUTC());
    }

    public void register(HttpRouting.Builder routing) {
        register(routing, (route, handler) -> handler);
    }

    /** @param timed wraps each route's handler, e.g. in a request timer labelled with the route pattern */
    public void register(HttpRouting.Builder routing, BiFunction<String, Handler, Handler> timed) {
        routing.route(Method.GET, "/admin/api/openapi.json", timed.apply("/admin/api/openapi.json", this::openApi))
                .route(Method.GET, "/t/{tenant}/admin/api/openapi.json",
                        timed.apply("/t/{tenant}/admin/api/openapi.json", this::openApi));
        routes().forEach((path, handler) -> routing.any(BASE + path, timed.apply(BASE + path, handler)));
        // Anything else below the API (an id holding an encoded '/', a path too long) answers in
        // the API's words rather than the web server's plain-text 404.
        routing.any("/t/{tenant}/admin/api/{+rest}", timed.apply("/t/{tenant}/admin/api/{+rest}", this::unknownPath));
    }

    /** The route templates below {@link #BASE}, as the OpenAPI document's {@code paths} name them. */
    public Set<String> routeTemplates() {
        return routes().keySet();
    }

    private Map<String, Handler> routes() {
        Map<String, Handler> routes = new LinkedHashMap<>();
        routes.put("/login", sessions::login);
        routes.put("/logout", sessions::logout);
        routes.put("/password", sessions::password);
        routes.put("/clients", clients::clients);
        routes.put("/clients/{id}", clients::client);
        routes.put("/clients/{id}/rotate-secret", clients::rotateSecret);
        routes.put("/clients/{id}/tls", clients::tls);
        routes.put("/clients/{id}/revoke-previous-secret", clients::revokePreviousSecret);
        routes.put("/clients/{id}/revoke-tokens", clients::revokeTokens);
        routes.put("/clients/{id}/issuance", clients::issuance);
        routes.put("/clients/{id}/keys", clients::keys);
        routes.put("/clients/{id}/keys/{kid}", clients::key);
        routes.put("/clients/{id}/federation", federation::clientFederation);
        routes.put("/federation/issuers", federation::issuers);
        routes.put("/scopes", scopes::scopes);
        routes.put("/scopes/{name}", scopes::scope);
        routes.put("/admins", admins::admins);
        routes.put("/admins/{id}", admins::admin);
        routes.put("/audit", audit::audit);
        routes.put("/settings", settings::settings);
        return routes;
    }

    private void unknownPath(ServerRequest request, ServerResponse response) {
        JsonApi.sendJson(response, 404, JsonApi.error("not_found", "no such admin API resource", null));
    }

    private void openApi(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, JsonApi.JSON);
        response.header(HeaderNames.CACHE_CONTROL, "public, max-age=3600");
        response.send(OPENAPI.getBytes(StandardCharsets.UTF_8));
    }

    private static String loadOpenApi() {
        try (InputStream in = AdminApiEndpoint.class.getResourceAsStream("/admin-api/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("admin-api/openapi.json is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
