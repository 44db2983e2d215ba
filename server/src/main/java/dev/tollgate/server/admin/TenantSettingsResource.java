package dev.tollgate.server.admin;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.TenantOperations;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static dev.tollgate.server.api.JsonApi.sendJson;

/**
 * {@code settings}: what credential managers may put in clients (the tenant's allowed authorities
 * and audiences) and how often the tenant's signing keys rotate on their own, readable by them and
 * changed by a tenant admin. The operator's settings (signing algorithm, query-string credentials,
 * default audience) stay with the CLI.
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
            UpdateSettingsRequest update = UpdateSettingsRequest.parse(exchange.mergePatch(request));
            sendJson(response, 200, view(operations.tenants().updateTenantAdminSettings(actor, tenant,
                    update.authorities(), update.audiences(), update.changesKeyRotation()
                            ? s -> s.withKeyRotationInterval(update.keyRotationInterval())
                            : UnaryOperator.identity()).settings()));
        });
    }

    private static Map<String, Object> view(TenantSettings settings) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("default_audience", settings.defaultAudience());
        json.put("allowed_authorities", settings.allowedAuthorities());
        json.put("allowed_audiences", settings.allowedAudiences());
        json.put(TenantOperations.KEY_ROTATION_INTERVAL,
                TenantOperations.formatKeyRotationInterval(settings.keyRotationInterval()));
        return json;
    }

    /**
     * {@code PATCH settings}: a list sent replaces the tenant's; one left out stays.
     * {@code key_rotation_interval} is {@code "off"} (or null, as a merge patch removes a member) or
     * an ISO-8601 duration; left out, it stays.
     */
    record UpdateSettingsRequest(List<String> authorities, List<String> audiences, boolean changesKeyRotation,
                                 Duration keyRotationInterval) {

        static final Set<String> FIELDS = Set.of("allowed_authorities", "allowed_audiences",
                TenantOperations.KEY_ROTATION_INTERVAL);

        /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
        static UpdateSettingsRequest parse(Map<String, Object> json) {
            JsonFields fields = JsonFields.body(json, FIELDS);
            List<String> authorities = fields.strings("allowed_authorities");
            List<String> audiences = fields.strings("allowed_audiences");
            boolean changesKeyRotation = json.containsKey(TenantOperations.KEY_ROTATION_INTERVAL);
            Duration interval = null;
            String value = fields.string(TenantOperations.KEY_ROTATION_INTERVAL, false);
            if (value != null) {
                try {
                    interval = TenantOperations.parseKeyRotationInterval(value);
                } catch (AdminFailure.Invalid invalid) {
                    invalid.fields().forEach(fields::problem);
                }
            }
            fields.throwIfInvalid();
            return new UpdateSettingsRequest(authorities, audiences, changesKeyRotation, interval);
        }
    }
}
