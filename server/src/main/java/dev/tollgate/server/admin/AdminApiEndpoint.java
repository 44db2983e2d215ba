package dev.tollgate.server.admin;

import dev.tollgate.server.http.SameOrigin;
import dev.tollgate.server.http.RetryAfter;
import dev.tollgate.server.http.RemoteAddress;
import dev.tollgate.server.http.PathTenant;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminAccounts.Authenticated;
import dev.tollgate.core.admin.AdminAccounts.LoginResult;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.AdminViews;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientUpdate;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.Page;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.api.JsonApi;
import dev.tollgate.server.api.JsonApi.Refusal;
import dev.tollgate.server.http.AdminProblem;
import dev.tollgate.server.api.TenantVerifiers;
import dev.tollgate.verifier.Principal;
import dev.tollgate.verifier.TokenVerifier;
import dev.tollgate.verifier.Verification;
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
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import static dev.tollgate.server.api.JsonApi.invalidFields;
import static dev.tollgate.server.api.JsonApi.notFound;
import static dev.tollgate.server.api.JsonApi.number;
import static dev.tollgate.server.api.JsonApi.printable;
import static dev.tollgate.server.api.JsonApi.sendJson;
import static dev.tollgate.server.api.JsonApi.sendNoContent;

/**
 * The admin API: JSON over {@code /t/{tenant}/admin/api/v1/…}, described by the OpenAPI document
 * at {@code /admin/api/openapi.json}. Every operation goes through {@link AdminOperations}, which
 * checks the capability and writes the audit record; this class only turns HTTP into calls.
 *
 * <p>Two ways in, with the same capability checks:
 * <ul>
 *   <li>a console session (the {@link SessionCookie}); requests that change anything also carry
 *       the session's CSRF token in {@code X-CSRF-Token}, since a cookie is sent by the browser on
 *       its own and so proves nothing about who composed the request;</li>
 *   <li>a client-credentials access token of the tenant (audience {@code <issuer>/api}) whose
 *       scopes include {@code admin:<capability>}.</li>
 * </ul>
 * An admin session of another tenant is answered {@code 404}: the path's tenant is not theirs to
 * know about. A token of another tenant fails verification ({@code 401 invalid_token}).
 */
public final class AdminApiEndpoint {

    static final String REALM = "admin-api";
    /** Where the versioned API lives; every route below is relative to it. */
    public static final String BASE = "/t/{tenant}/admin/api/v1";
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** limits.max-body-bytes: the largest JSON body read. */
    private final int maxBodyBytes;
    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAX_PAGE_SIZE = 100;

    private static final Set<String> CLIENT_CREATE_FIELDS = Set.of("name", "allowed_scopes", "default_scopes",
            "audiences", "authorities", "token_ttl_seconds");
    private static final Set<String> CLIENT_UPDATE_FIELDS = Set.of("name", "allowed_scopes", "default_scopes",
            "audiences", "authorities", "token_ttl_seconds", "enabled");
    private static final String OPENAPI = loadOpenApi();

    private final AdminAccounts accounts;
    private final AdminOperations operations;
    private final TenantVerifiers verifiers;
    private final Directory directory;
    private final boolean secureCookies;

    public AdminApiEndpoint(AdminAccounts accounts, AdminOperations operations, TenantVerifiers verifiers,
                            Directory directory, boolean secureCookies, int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
        this.accounts = accounts;
        this.operations = operations;
        this.verifiers = verifiers;
        this.directory = directory;
        this.secureCookies = secureCookies;
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
    public java.util.Set<String> routeTemplates() {
        return routes().keySet();
    }

    private Map<String, Handler> routes() {
        Map<String, Handler> routes = new LinkedHashMap<>();
        routes.put("/login", this::login);
        routes.put("/logout", this::logout);
        routes.put("/password", this::password);
        routes.put("/clients", this::clients);
        routes.put("/clients/{id}", this::client);
        routes.put("/clients/{id}/rotate-secret", this::rotateSecret);
        routes.put("/clients/{id}/revoke-previous-secret", this::revokePreviousSecret);
        routes.put("/clients/{id}/issuance", this::issuance);
        routes.put("/scopes", this::scopes);
        routes.put("/scopes/{name}", this::scope);
        routes.put("/admins", this::admins);
        routes.put("/admins/{id}", this::admin);
        routes.put("/audit", this::audit);
        return routes;
    }

    private void unknownPath(ServerRequest request, ServerResponse response) {
        sendJson(response, 404, JsonApi.error("not_found", "no such admin API resource", null));
    }

    // ---------------------------------------------------------------- sessions

    private void openApi(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, JsonApi.JSON);
        response.header(HeaderNames.CACHE_CONTROL, "public, max-age=3600");
        response.send(OPENAPI.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code POST login}: a JSON alternative to the console's form; the session comes back as a cookie. */
    private void login(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.POST), () -> {
            TenantId tenant = pathTenant(request);
            requireSameOrigin(request);
            Map<String, Object> json = body(request);
            Map<String, String> fields = new LinkedHashMap<>();
            rejectUnknown(json, Set.of("username", "password", "totp_code"), fields);
            String username = string(json, "username", true, fields);
            String password = string(json, "password", true, fields);
            String totp = string(json, "totp_code", false, fields);
            if (!fields.isEmpty()) {
                throw invalidFields("invalid fields: " + String.join(", ", fields.keySet()), fields);
            }
            LoginResult result = accounts.login(tenant, username, password.toCharArray(), totp,
                    RemoteAddress.of(request), SessionCookie.read(request).orElse(null));
            switch (result) {
                case LoginResult.Success success -> {
                    // AdminAccounts audited the sign-in, accepted or refused.
                    SessionCookie.set(response, success.sessionId(), secureCookies);
                    sendJson(response, 200, sessionJson(success.authenticated()));
                }
                case LoginResult.Throttled throttled -> {
                    RetryAfter.set(response, throttled.retryAfter());
                    throw new Refusal(429, "too_many_attempts", "too many failed logins; retry later", null, null);
                }
                case LoginResult.SecondFactorRequired required ->
                        throw new Refusal(401, "totp_required", "a TOTP code is required", null, null);
                case LoginResult.Refused refused ->
                        throw new Refusal(401, "invalid_credentials", "wrong username or password", null, null);
            }
        });
    }

    private void logout(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.POST), () -> {
            TenantId tenant = pathTenant(request);
            Authenticated who = session(request, tenant, true, false);
            accounts.logout(SessionCookie.read(request).orElseThrow());
            operations.audit().record(Actor.admin(who.admin(), RemoteAddress.of(request)), "admin.logout", null,
                    null);
            SessionCookie.clear(response, secureCookies);
            sendNoContent(response);
        });
    }

    /** {@code POST password}: the admin's own password; the only call a forced change allows. */
    private void password(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.POST), () -> {
            TenantId tenant = pathTenant(request);
            Authenticated who = session(request, tenant, true, false);
            Map<String, Object> json = body(request);
            Map<String, String> fields = new LinkedHashMap<>();
            rejectUnknown(json, Set.of("current_password", "new_password"), fields);
            String current = string(json, "current_password", true, fields);
            String next = string(json, "new_password", true, fields);
            if (!fields.isEmpty()) {
                throw invalidFields("invalid fields: " + String.join(", ", fields.keySet()), fields);
            }
            LoginResult.Success renewed = guarded(() -> accounts.changePassword(who, current.toCharArray(),
                    next.toCharArray()));
            operations.audit().record(Actor.admin(renewed.authenticated().admin(), RemoteAddress.of(request)),
                    "admin.password_change", null, null);
            SessionCookie.set(response, renewed.sessionId(), secureCookies);
            sendJson(response, 200, sessionJson(renewed.authenticated()));
        });
    }

    private static Map<String, Object> sessionJson(Authenticated who) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("csrf_token", who.session().csrfToken());
        json.put("must_change_password", who.admin().mustChangePassword());
        json.put("admin", adminJson(who.admin()));
        return json;
    }

    // ---------------------------------------------------------------- client credentials

    private void clients(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.GET, Method.POST), () -> {
            TenantId tenant = pathTenant(request);
            Actor actor = actor(request, tenant);
            if (request.prologue().method() == Method.GET) {
                Map<String, String> query = JsonApi.singleValued(request);
                Map<String, String> fields = new LinkedHashMap<>();
                onlyParameters(query, Set.of("q", "offset", "limit"), fields);
                int offset = number(query, "offset", 0, 0, Integer.MAX_VALUE, fields);
                int limit = number(query, "limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, fields);
                if (!fields.isEmpty()) {
                    throw invalidFields("invalid query parameters", fields);
                }
                Page<ClientCredential> page = guarded(() -> operations.clients().list(actor, tenant, query.get("q"),
                        offset, limit));
                sendJson(response, 200, pageJson("clients", page, AdminApiEndpoint::clientJson));
                return;
            }
            Map<String, Object> json = body(request);
            Map<String, String> fields = new LinkedHashMap<>();
            rejectUnknown(json, CLIENT_CREATE_FIELDS, fields);
            String name = string(json, "name", true, fields);
            ScopeSet allowed = scopes(json, "allowed_scopes", fields);
            ScopeSet defaults = scopes(json, "default_scopes", fields);
            List<String> audiences = strings(json, "audiences", fields);
            List<String> authorities = strings(json, "authorities", fields);
            Duration ttl = seconds(json, "token_ttl_seconds", fields);
            if (!fields.isEmpty()) {
                throw invalidFields("invalid fields: " + String.join(", ", fields.keySet()), fields);
            }
            ClientWithSecret created = guarded(() -> operations.clients().create(actor, tenant,
                    new ClientSpec(name, allowed, defaults, audiences, authorities, ttl)));
            response.header(HeaderNames.LOCATION, "/t/" + tenant.value() + "/admin/api/v1/clients/"
                    + created.client().clientId().value());
            sendJson(response, 201, withSecret(created));
        });
    }

    private void client(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.GET, Method.PATCH, Method.DELETE), () -> {
            TenantId tenant = pathTenant(request);
            Actor actor = actor(request, tenant);
            ClientId id = pathClientId(request);
            Method method = request.prologue().method();
            if (method == Method.GET) {
                sendJson(response, 200, clientJson(guarded(() -> operations.clients().get(actor, tenant, id))));
            } else if (method == Method.DELETE) {
                guarded(() -> {
                    operations.clients().delete(actor, tenant, id);
                    return null;
                });
                sendNoContent(response);
            } else {
                Map<String, Object> json = body(request, Set.of("application/json", "application/merge-patch+json"));
                Map<String, String> fields = new LinkedHashMap<>();
                rejectUnknown(json, CLIENT_UPDATE_FIELDS, fields);
                ClientUpdate update = new ClientUpdate(
                        json.containsKey("name") ? string(json, "name", true, fields) : null,
                        json.containsKey("allowed_scopes") ? scopes(json, "allowed_scopes", fields) : null,
                        json.containsKey("default_scopes") ? scopes(json, "default_scopes", fields) : null,
                        json.containsKey("audiences") ? strings(json, "audiences", fields) : null,
                        json.containsKey("authorities") ? strings(json, "authorities", fields) : null,
                        json.containsKey("token_ttl_seconds") ? seconds(json, "token_ttl_seconds", fields) : null,
                        json.containsKey("enabled") ? bool(json, "enabled", fields) : null);
                if (!fields.isEmpty()) {
                    throw invalidFields("invalid fields: " + String.join(", ", fields.keySet()), fields);
                }
                sendJson(response, 200, clientJson(guarded(() -> operations.clients().update(actor, tenant, id, update))));
            }
        });
    }

    private void rotateSecret(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.POST), () -> {
            TenantId tenant = pathTenant(request);
            Actor actor = actor(request, tenant);
            ClientId id = pathClientId(request);
            Map<String, Object> json = optionalBody(request);
            Map<String, String> fields = new LinkedHashMap<>();
            rejectUnknown(json, Set.of("overlap_seconds"), fields);
            Duration overlap = json.containsKey("overlap_seconds")
                    ? nonNegativeSeconds(json, "overlap_seconds", fields)
                    : dev.tollgate.core.admin.ClientOperations.DEFAULT_ROTATION_OVERLAP;
            if (!fields.isEmpty()) {
                throw invalidFields("invalid fields: " + String.join(", ", fields.keySet()), fields);
            }
            sendJson(response, 200, withSecret(guarded(() -> operations.clients().rotateSecret(actor, tenant, id, overlap))));
        });
    }

    private void revokePreviousSecret(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.POST), () -> {
            TenantId tenant = pathTenant(request);
            Actor actor = actor(request, tenant);
            ClientId id = pathClientId(request);
            sendJson(response, 200, clientJson(guarded(() -> operations.clients().revokePreviousSecret(actor, tenant, id))));
        });
    }

    /** {@code GET clients/{id}/issuance?hours=24}: tokens issued per hour, oldest first, ending now. */
    private void issuance(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.GET), () -> {
            TenantId tenant = pathTenant(request);
            Actor actor = actor(request, tenant);
            ClientId id = pathClientId(request);
            Map<String, String> query = JsonApi.singleValued(request);
            Map<String, String> fields = new LinkedHashMap<>();
            onlyParameters(query, Set.of("hours"), fields);
            int hours = number(query, "hours", 24, 1, 24 * 31, fields);
            if (!fields.isEmpty()) {
                throw invalidFields("invalid query parameters", fields);
            }
            long[] counts = guarded(() -> operations.clients().tokenIssuance(actor, tenant, id, Duration.ofHours(1), hours));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("client_id", id.value());
            json.put("bucket_seconds", 3600);
            json.put("issued", Arrays.stream(counts).boxed().toList());
            sendJson(response, 200, json);
        });
    }

    // ---------------------------------------------------------------- scopes

    private void scopes(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.GET, Method.POST), () -> {
            TenantId tenant = pathTenant(request);
            Actor actor = actor(request, tenant);
            if (request.prologue().method() == Method.GET) {
                List<ScopeDefinition> scopes = guarded(() -> operations.scopes().list(actor, tenant));
                sendJson(response, 200, Map.of("scopes", scopes.stream().map(AdminApiEndpoint::scopeJson).toList()));
                return;
            }
            Map<String, Object> json = body(request);
            Map<String, String> fields = new LinkedHashMap<>();
            rejectUnknown(json, Set.of("name", "description"), fields);
            String name = string(json, "name", true, fields);
            String description = string(json, "description", false, fields);
            ScopeName scopeName = null;
            if (name != null) {
                try {
                    scopeName = new ScopeName(name);
                } catch (IllegalArgumentException e) {
                    fields.put("name", e.getMessage());
                }
            }
            if (!fields.isEmpty()) {
                throw invalidFields("invalid fields: " + String.join(", ", fields.keySet()), fields);
            }
            ScopeName finalName = scopeName;
            ScopeDefinition created = guarded(() -> operations.scopes().create(actor, tenant,
                    new ScopeDefinition(finalName, description)));
            response.header(HeaderNames.LOCATION, "/t/" + tenant.value() + "/admin/api/v1/scopes/"
                    + created.name().value());
            sendJson(response, 201, scopeJson(created));
        });
    }

    private void scope(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.GET, Method.PATCH, Method.DELETE), () -> {
            TenantId tenant = pathTenant(request);
            Actor actor = actor(request, tenant);
            ScopeName name = pathScope(request);
            Method method = request.prologue().method();
            if (method == Method.GET) {
                ScopeDefinition found = guarded(() -> operations.scopes().list(actor, tenant)).stream()
                        .filter(s -> s.name().equals(name)).findFirst()
                        .orElseThrow(() -> notFound("no such scope"));
                sendJson(response, 200, scopeJson(found));
            } else if (method == Method.DELETE) {
                guarded(() -> {
                    operations.scopes().delete(actor, tenant, name);
                    return null;
                });
                sendNoContent(response);
            } else {
                Map<String, Object> json = body(request, Set.of("application/json", "application/merge-patch+json"));
                Map<String, String> fields = new LinkedHashMap<>();
                rejectUnknown(json, Set.of("description"), fields);
                String description = string(json, "description", true, fields);
                if (!fields.isEmpty()) {
                    throw invalidFields("invalid fields: " + String.join(", ", fields.keySet()), fields);
                }
                sendJson(response, 200, scopeJson(guarded(() -> operations.scopes().describe(actor, tenant, name,
                        description))));
            }
        });
    }

    // ---------------------------------------------------------------- admins

    private void admins(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.GET, Method.POST), () -> {
            TenantId tenant = pathTenant(request);
            Actor actor = actor(request, tenant);
            if (request.prologue().method() == Method.GET) {
                List<Admin> admins = guarded(() -> operations.administrators().list(actor, tenant));
                sendJson(response, 200, Map.of("admins", admins.stream().map(AdminApiEndpoint::adminJson).toList()));
                return;
            }
            Map<String, Object> json = body(request);
            Map<String, String> fields = new LinkedHashMap<>();
            rejectUnknown(json, Set.of("username", "role", "capabilities"), fields);
            String username = string(json, "username", true, fields);
            AdminRole role = role(json, fields);
            Set<Capability> capabilities = capabilities(json, fields);
            if (!fields.isEmpty()) {
                throw invalidFields("invalid fields: " + String.join(", ", fields.keySet()), fields);
            }
            AdminAccounts.AdminWithPassword created = guarded(() -> operations.administrators().create(actor, tenant, username,
                    role == null ? AdminRole.ADDITIONAL_ADMIN : role, capabilities));
            Map<String, Object> body = adminJson(created.admin());
            // Shown once, to be changed at first login.
            body.put("password", created.password());
            response.header(HeaderNames.LOCATION, "/t/" + tenant.value() + "/admin/api/v1/admins/"
                    + created.admin().id());
            sendJson(response, 201, body);
        });
    }

    private void admin(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.GET, Method.PATCH, Method.DELETE), () -> {
            TenantId tenant = pathTenant(request);
            Actor actor = actor(request, tenant);
            String id = request.path().pathParameters().first("id").orElse("");
            Method method = request.prologue().method();
            if (method == Method.GET) {
                sendJson(response, 200, adminJson(guarded(() -> operations.administrators().get(actor, tenant, id))));
            } else if (method == Method.DELETE) {
                guarded(() -> {
                    operations.administrators().delete(actor, tenant, id);
                    return null;
                });
                sendNoContent(response);
            } else {
                Map<String, Object> json = body(request, Set.of("application/json", "application/merge-patch+json"));
                Map<String, String> fields = new LinkedHashMap<>();
                rejectUnknown(json, Set.of("role", "capabilities"), fields);
                AdminRole role = role(json, fields);
                Set<Capability> capabilities = json.containsKey("capabilities") ? capabilities(json, fields) : null;
                if (!fields.isEmpty()) {
                    throw invalidFields("invalid fields: " + String.join(", ", fields.keySet()), fields);
                }
                Admin updated = guarded(() -> operations.administrators().patch(actor, tenant, id, role, capabilities));
                sendJson(response, 200, adminJson(updated));
            }
        });
    }

    // ---------------------------------------------------------------- audit

    private void audit(ServerRequest request, ServerResponse response) {
        JsonApi.handle(request, response, Set.of(Method.GET), () -> {
            TenantId tenant = pathTenant(request);
            Actor actor = actor(request, tenant);
            Map<String, String> query = JsonApi.singleValued(request);
            Map<String, String> fields = new LinkedHashMap<>();
            onlyParameters(query, Set.of("actor", "client", "action", "from", "to", "offset", "limit"), fields);
            int offset = number(query, "offset", 0, 0, Integer.MAX_VALUE, fields);
            int limit = number(query, "limit", 50, 1, MAX_PAGE_SIZE, fields);
            Instant from = instant(query, "from", fields);
            Instant to = instant(query, "to", fields);
            if (!fields.isEmpty()) {
                throw invalidFields("invalid query parameters", fields);
            }
            AuditRepository.Filter filter = new AuditRepository.Filter(blankToNull(query.get("actor")),
                    blankToNull(query.get("client")), blankToNull(query.get("action")), from, to);
            Page<AuditEvent> page = guarded(() -> operations.audit().query(actor, tenant, filter, offset, limit));
            sendJson(response, 200, pageJson("events", page, AdminApiEndpoint::auditJson));
        });
    }

    // ---------------------------------------------------------------- who is asking

    private TenantId pathTenant(ServerRequest request) {
        TenantId tenant = PathTenant.of(request);
        if (tenant == null || directory.tenant(tenant).isEmpty()) {
            throw notFound("unknown tenant");
        }
        return tenant;
    }

    /** The caller as an {@link Actor}: a bearer token if one is sent, else the session cookie. */
    private Actor actor(ServerRequest request, TenantId tenant) {
        if (JsonApi.hasAuthorization(request)) {
            return tokenActor(request, tenant);
        }
        boolean changes = request.prologue().method() != Method.GET;
        Authenticated who = session(request, tenant, changes, true);
        return Actor.admin(who.admin(), RemoteAddress.of(request));
    }

    private Actor tokenActor(ServerRequest request, TenantId tenant) {
        String token = JsonApi.bearerToken(request, REALM);
        TokenVerifier verifier = verifiers.forTenant(tenant).orElseThrow(() -> notFound("unknown tenant"));
        Verification verification = verifier.verify(token, Set.of());
        if (verification instanceof Verification.Invalid invalid) {
            throw JsonApi.unauthorized(invalid, REALM);
        }
        Principal principal = ((Verification.Valid) verification).principal();
        // A token outlives changes to its client: one whose client was since disabled or deleted
        // gets nothing, and only the admin scopes the client still holds count, as a session
        // counts only the capabilities its admin holds now.
        Optional<ClientCredential> client = ClientId.isValid(principal.clientId())
                ? directory.client(tenant, new ClientId(principal.clientId())) : Optional.empty();
        if (client.isEmpty() || !client.get().enabled()) {
            throw new Refusal(401, "invalid_token", "the token's client is disabled or no longer exists",
                    "Bearer realm=\"" + REALM + "\", error=\"invalid_token\"", null);
        }
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        for (String scope : principal.scopes()) {
            if (ScopeName.isValid(scope) && client.get().allowedScopes().contains(new ScopeName(scope))) {
                Capability.fromScope(new ScopeName(scope)).ifPresent(capabilities::add);
            }
        }
        return new Actor(tenant, Actor.Kind.CLIENT, principal.clientId(), principal.clientId(), capabilities,
                RemoteAddress.of(request));
    }

    /**
     * The request's console session in {@code tenant}.
     *
     * @param changes       the request changes something, so it must carry the CSRF token
     * @param passwordFresh refuse while the admin must still replace a generated password
     */
    private Authenticated session(ServerRequest request, TenantId tenant, boolean changes, boolean passwordFresh) {
        Optional<String> id = SessionCookie.read(request);
        Optional<Authenticated> found = id.flatMap(accounts::resolve);
        if (found.isEmpty()) {
            throw new Refusal(401, "unauthorized", "log in first, or send a bearer token",
                    "Bearer realm=\"" + REALM + "\"", null);
        }
        Authenticated who = found.get();
        if (!who.admin().tenantId().equals(tenant)) {
            // Another tenant's admin learns nothing about this one, not even that it exists.
            throw notFound("unknown tenant");
        }
        if (changes) {
            requireSameOrigin(request);
            String presented = request.headers().first(HeaderNames.create(CSRF_HEADER)).orElse("");
            if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                    who.session().csrfToken().getBytes(StandardCharsets.UTF_8))) {
                throw new Refusal(403, "csrf", "missing or wrong " + CSRF_HEADER + " header", null, null);
            }
        }
        if (passwordFresh && who.admin().mustChangePassword()) {
            throw new Refusal(403, "password_change_required",
                    "change the generated password first (POST password)", null, null);
        }
        return who;
    }

    /**
     * Browsers send {@code Origin} (and {@code Sec-Fetch-Site}) with cross-origin requests; a
     * request another site composed is refused before it can use an ambient session.
     */
    private void requireSameOrigin(ServerRequest request) {
        String site = request.headers().first(HeaderNames.create("Sec-Fetch-Site")).orElse("");
        if (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site")) {
            throw new Refusal(403, "csrf", "cross-site request refused", null, null);
        }
        Optional<String> origin = request.headers().first(HeaderNames.ORIGIN);
        if (origin.isPresent()) {
            if (!SameOrigin.matches(origin.get(), request.headers().first(HeaderNames.HOST).orElse(null),
                    request.isSecure() || secureCookies)) {
                throw new Refusal(403, "csrf", "cross-origin request refused", null, null);
            }
        }
    }

    /** The policy's exceptions in HTTP's words. */
    private static <T> T guarded(Supplier<T> call) {
        try {
            return call.get();
        } catch (AdminFailure | DuplicateException | IllegalArgumentException e) {
            AdminProblem problem = AdminProblem.of(e);
            throw new Refusal(problem.status(), problem.status() == 409 ? "conflict" : problem.error(),
                    problem.message(), null, problem.fields().isEmpty() ? null : problem.fields());
        }
    }

    // ---------------------------------------------------------------- request values

    private Map<String, Object> body(ServerRequest request) {
        return body(request, Set.of("application/json"));
    }

    private Map<String, Object> body(ServerRequest request, Set<String> mediaTypes) {
        return JsonApi.jsonBody(request, mediaTypes, maxBodyBytes);
    }

    /** Rotation takes an optional body: none means the default overlap. */
    private Map<String, Object> optionalBody(ServerRequest request) {
        boolean none = request.headers().contentLength().orElse(-1) == 0
                || (request.headers().contentLength().isEmpty()
                && !request.headers().contains(HeaderNames.TRANSFER_ENCODING));
        return none ? Map.of() : body(request);
    }

    /**
     * Fields the operation does not take are an error naming them, so nothing the API does not
     * offer (a {@code tenant}, a {@code client_id}, a secret) can be assigned through it.
     */
    private static void rejectUnknown(Map<String, Object> json, Set<String> allowed, Map<String, String> fields) {
        for (String name : json.keySet()) {
            if (!allowed.contains(name)) {
                fields.put(printable(name), "not a writable field here; the writable ones are "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static void onlyParameters(Map<String, String> query, Set<String> allowed, Map<String, String> fields) {
        for (String name : query.keySet()) {
            if (!allowed.contains(name)) {
                fields.put(printable(name), "unknown parameter; one of " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static String string(Map<String, Object> json, String name, boolean required, Map<String, String> fields) {
        Object value = json.get(name);
        if (value == null) {
            if (required) {
                fields.put(name, "required");
            }
            return null;
        }
        if (!(value instanceof String s)) {
            fields.put(name, "must be a string");
            return null;
        }
        return s;
    }

    private static List<String> strings(Map<String, Object> json, String name, Map<String, String> fields) {
        Object value = json.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance) && list.size() <= 100) {
            return list.stream().map(String.class::cast).toList();
        }
        fields.put(name, "must be an array of at most 100 strings");
        return null;
    }

    private static ScopeSet scopes(Map<String, Object> json, String name, Map<String, String> fields) {
        List<String> values = strings(json, name, fields);
        if (values == null) {
            return null;
        }
        List<ScopeName> names = new ArrayList<>();
        for (String value : values) {
            if (!ScopeName.isValid(value)) {
                fields.put(name, "not a scope name: " + printable(value));
                return null;
            }
            names.add(new ScopeName(value));
        }
        return ScopeSet.of(names);
    }

    private static Duration seconds(Map<String, Object> json, String name, Map<String, String> fields) {
        Object value = json.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.longValue() >= 1 && n.longValue() <= Duration.ofDays(366).toSeconds()) {
            return Duration.ofSeconds(n.longValue());
        }
        fields.put(name, "must be a whole number of seconds");
        return null;
    }

    private static Duration nonNegativeSeconds(Map<String, Object> json, String name, Map<String, String> fields) {
        Object value = json.get(name);
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.longValue() >= 0 && n.longValue() <= Duration.ofDays(30).toSeconds()) {
            return Duration.ofSeconds(n.longValue());
        }
        fields.put(name, "must be a whole number of seconds from 0 to 2592000");
        return Duration.ZERO;
    }

    private static Boolean bool(Map<String, Object> json, String name, Map<String, String> fields) {
        if (json.get(name) instanceof Boolean b) {
            return b;
        }
        fields.put(name, "must be true or false");
        return null;
    }

    private static AdminRole role(Map<String, Object> json, Map<String, String> fields) {
        String value = string(json, "role", false, fields);
        if (value == null) {
            return null;
        }
        for (AdminRole role : AdminRole.values()) {
            if (role.name().toLowerCase(Locale.ROOT).equals(value)) {
                return role;
            }
        }
        fields.put("role", "must be admin or additional_admin");
        return null;
    }

    private static Set<Capability> capabilities(Map<String, Object> json, Map<String, String> fields) {
        List<String> values = strings(json, "capabilities", fields);
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        if (values != null) {
            for (String value : values) {
                Optional<Capability> capability = Capability.fromWireName(value);
                if (capability.isEmpty()) {
                    fields.put("capabilities", "unknown capability: " + printable(value));
                } else {
                    capabilities.add(capability.get());
                }
            }
        }
        return capabilities;
    }

    private static Instant instant(Map<String, String> query, String name, Map<String, String> fields) {
        String raw = query.get(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            fields.put(name, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
            return null;
        }
    }

    private static ClientId pathClientId(ServerRequest request) {
        String raw = request.path().pathParameters().first("id").orElse("");
        if (!ClientId.isValid(raw)) {
            throw notFound("no such client");
        }
        return new ClientId(raw);
    }

    private static ScopeName pathScope(ServerRequest request) {
        String raw = request.path().pathParameters().first("name").orElse("");
        if (!ScopeName.isValid(raw)) {
            throw notFound("no such scope");
        }
        return new ScopeName(raw);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    // ---------------------------------------------------------------- representations

    private static <T> Map<String, Object> pageJson(String name, Page<T> page,
                                                    java.util.function.Function<T, Map<String, Object>> item) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(name, page.items().stream().map(item).toList());
        json.put("total", page.total());
        json.put("offset", page.offset());
        json.put("limit", page.limit());
        return json;
    }

    /** A client as the API shows it: every setting, the secrets' ids and windows, never a secret or hash. */
    static Map<String, Object> clientJson(ClientCredential client) {
        Map<String, Object> json = AdminViews.clientSettings(client);
        json.put("default_credential", client.isBuiltin());
        json.put("secrets", AdminViews.secrets(client));
        json.put("created_at", client.createdAt().toString());
        json.put("updated_at", client.updatedAt().toString());
        return json;
    }

    private static Map<String, Object> withSecret(ClientWithSecret created) {
        Map<String, Object> json = clientJson(created.client());
        // The only response that ever carries it.
        json.put("client_secret", created.secret().reveal());
        return json;
    }

    static Map<String, Object> scopeJson(ScopeDefinition scope) {
        return AdminViews.scope(scope);
    }

    static Map<String, Object> adminJson(Admin admin) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", admin.id());
        json.put("username", admin.username());
        json.put("role", admin.role().name().toLowerCase(Locale.ROOT));
        json.put("capabilities", admin.effectiveCapabilities().stream().map(Capability::wireName).sorted().toList());
        json.put("must_change_password", admin.mustChangePassword());
        json.put("totp_enrolled", admin.totpSecret() != null);
        json.put("created_at", admin.createdAt().toString());
        json.put("updated_at", admin.updatedAt().toString());
        return json;
    }

    static Map<String, Object> auditJson(AuditEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", event.id());
        json.put("at", event.at().toString());
        json.put("actor_kind", event.actorKind().name().toLowerCase(Locale.ROOT));
        json.put("actor_id", event.actorId());
        json.put("actor_name", event.actorName());
        json.put("action", event.action());
        json.put("client_id", event.clientId());
        json.put("target", event.target());
        json.put("address", event.address());
        json.put("before", parsedOrText(event.before()));
        json.put("after", parsedOrText(event.after()));
        json.put("detail", event.detail());
        return json;
    }

    private static Object parsedOrText(String json) {
        if (json == null) {
            return null;
        }
        try {
            return com.nimbusds.oauth2.sdk.util.JSONObjectUtils.parse(json);
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            return json;
        }
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
