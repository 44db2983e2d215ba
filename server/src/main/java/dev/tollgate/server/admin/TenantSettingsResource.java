package dev.tollgate.server.admin;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.server.api.JsonApi.sendJson;

/**
 * {@code settings}: what credential managers may put in clients (the tenant's allowed authorities
 * and audiences), readable by them and changed by a tenant admin. The operator's settings (signing
 * algorithm, query-string credentials, default audience) stay with the CLI.
 */
final class TenantSettingsResource {

    private final AdminCaller caller;
    private final AdminOperations operations;
    private final AdminExchange exchange;

    TenantSettingsResource(AdminCaller caller, AdminOperations operations, AdminExchange exchange) {
        this.caller = caller;
        this.operations = operations;
        this.exchange = exchange;
    }

    /** {@code GET settings}, {@code PATCH settings} */
    void settings(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET, Method.PATCH), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            if (request.prologue().method() == Method.GET) {
                sendJson(response, 200, view(operations.tenants().settings(actor, tenant)));
                return;
            }
            UpdateAllowListsRequest update = UpdateAllowListsRequest.parse(exchange.mergePatch(request));
            sendJson(response, 200, view(operations.tenants().updateClientSettings(actor, tenant,
                    update.authorities(), update.audiences(), update.dpopNonces()).settings()));
        });
    }

    private static Map<String, Object> view(TenantSettings settings) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("default_audience", settings.defaultAudience());
        json.put("allowed_authorities", settings.allowedAuthorities());
        json.put("allowed_audiences", settings.allowedAudiences());
        json.put("dpop_nonces", settings.dpopNonces());
        return json;
    }

    /**
     * {@code PATCH settings}: a list sent replaces the tenant's; one left out stays. {@code dpop_nonces}:
     * DPoP proofs must carry the server's nonce (RFC 9449 §8/§9).
     */
    record UpdateAllowListsRequest(List<String> authorities, List<String> audiences, Boolean dpopNonces) {

        static final Set<String> FIELDS = Set.of("allowed_authorities", "allowed_audiences", "dpop_nonces");

        /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
        static UpdateAllowListsRequest parse(Map<String, Object> json) {
            JsonFields fields = JsonFields.body(json, FIELDS);
            UpdateAllowListsRequest request = new UpdateAllowListsRequest(fields.strings("allowed_authorities"),
                    fields.strings("allowed_audiences"), fields.bool("dpop_nonces"));
            fields.throwIfInvalid();
            return request;
        }
    }
}
