package dev.tollgate.server.admin;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.Page;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.api.JsonApi;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Set;

import static dev.tollgate.server.api.JsonApi.sendJson;

/** {@code audit}: the tenant's audit log, filtered by actor, client, action and time, newest first. */
final class AuditResource {

    private final AdminCaller caller;
    private final AdminOperations operations;

    AuditResource(AdminCaller caller, AdminOperations operations) {
        this.caller = caller;
        this.operations = operations;
    }

    /** {@code GET audit?actor=&client=&action=&from=&to=&offset=&limit=} */
    void audit(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            AuditQuery query = AuditQuery.parse(JsonApi.singleValued(request));
            Page<AuditEvent> page = operations.audit().query(actor, tenant, query.filter(), query.offset(), query.limit());
            sendJson(response, 200, AdminApiViews.page("events", page, AdminApiViews::audit));
        });
    }
}
