package dev.tollgate.server.admin;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminAccounts.AdminWithPassword;
import dev.tollgate.core.admin.AdminOperations;
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

/**
 * {@code admins}: the tenant's administrators, their role and capabilities. A new admin's password
 * is generated and shown once; the tenant always keeps one admin with role {@code admin}.
 */
final class AdministratorResource {

    private final AdminCaller caller;
    private final AdminOperations operations;
    private final AdminExchange exchange;

    AdministratorResource(AdminCaller caller, AdminOperations operations, AdminExchange exchange) {
        this.caller = caller;
        this.operations = operations;
        this.exchange = exchange;
    }

    /** {@code GET admins}, {@code POST admins} */
    void admins(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET, Method.POST), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            if (request.prologue().method() == Method.GET) {
                List<Admin> admins = operations.administrators().list(actor, tenant);
                sendJson(response, 200, Map.of("admins", admins.stream().map(AdminApiViews::admin).toList()));
                return;
            }
            CreateAdminRequest create = CreateAdminRequest.parse(exchange.json(request));
            AdminWithPassword created = operations.administrators().create(actor, tenant, create.username(), create.role(),
                    create.capabilities());
            response.header(HeaderNames.LOCATION, AdminExchange.location(tenant, "admins/" + created.admin().id()));
            sendJson(response, 201, AdminApiViews.adminWithPassword(created));
        });
    }

    /** {@code GET}, {@code PATCH} (a merge patch) and {@code DELETE admins/{id}} */
    void admin(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET, Method.PATCH, Method.DELETE), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            String id = request.path().pathParameters().first("id").orElse("");
            Method method = request.prologue().method();
            if (method == Method.GET) {
                sendJson(response, 200, AdminApiViews.admin(operations.administrators().get(actor, tenant, id)));
            } else if (method == Method.DELETE) {
                // Not oneself, and not the last admin with role admin.
                operations.administrators().delete(actor, tenant, id);
                sendNoContent(response);
            } else {
                UpdateAdminRequest update = UpdateAdminRequest.parse(exchange.mergePatch(request));
                Admin updated = operations.administrators().patch(actor, tenant, id,
                        update.role(), update.capabilities());
                sendJson(response, 200, AdminApiViews.admin(updated));
            }
        });
    }
}
