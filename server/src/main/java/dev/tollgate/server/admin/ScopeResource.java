package dev.tollgate.server.admin;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.tenant.TenantId;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.server.api.JsonApi.sendJson;
import static dev.tollgate.server.api.JsonApi.sendNoContent;

/** {@code scopes}: the scopes the tenant's clients can be allowed, by name, with a description. */
final class ScopeResource {

    private final AdminCaller caller;
    private final AdminOperations operations;
    private final AdminExchange exchange;

    ScopeResource(AdminCaller caller, AdminOperations operations, AdminExchange exchange) {
        this.caller = caller;
        this.operations = operations;
        this.exchange = exchange;
    }

    /** {@code GET scopes}, {@code POST scopes} */
    void scopes(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET, Method.POST), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            if (request.prologue().method() == Method.GET) {
                List<ScopeDefinition> scopes = operations.scopes().list(actor, tenant);
                sendJson(response, 200, Map.of("scopes", scopes.stream().map(AdminApiViews::scope).toList()));
                return;
            }
            CreateScopeRequest create = CreateScopeRequest.parse(exchange.json(request));
            ScopeDefinition created = operations.scopes().create(actor, tenant, create.definition());
            response.header(HeaderNames.LOCATION, AdminExchange.location(tenant, "scopes/" + created.name().value()));
            sendJson(response, 201, AdminApiViews.scope(created));
        });
    }

    /** {@code GET}, {@code PATCH} and {@code DELETE scopes/{name}} */
    void scope(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET, Method.PATCH, Method.DELETE), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            ScopeName name = pathScope(request);
            Method method = request.prologue().method();
            if (method == Method.GET) {
                ScopeDefinition found = operations.scopes().list(actor, tenant).stream()
                        .filter(s -> s.name().equals(name)).findFirst()
                        .orElseThrow(() -> new AdminFailure.NotFound("no such scope"));
                sendJson(response, 200, AdminApiViews.scope(found));
            } else if (method == Method.DELETE) {
                // Built-in scopes and scopes a client is still allowed stay.
                operations.scopes().delete(actor, tenant, name);
                sendNoContent(response);
            } else {
                UpdateScopeRequest update = UpdateScopeRequest.parse(exchange.mergePatch(request));
                sendJson(response, 200, AdminApiViews.scope(operations.scopes().describe(actor, tenant, name,
                        update.description())));
            }
        });
    }

    /** A name that cannot be a scope's is answered as an unknown one. */
    private static ScopeName pathScope(ServerRequest request) {
        String raw = request.path().pathParameters().first("name").orElse("");
        if (!ScopeName.isValid(raw)) {
            throw new AdminFailure.NotFound("no such scope");
        }
        return new ScopeName(raw);
    }
}
