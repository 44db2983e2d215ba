package dev.tollgate.server.admin;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.client.ClientCertificateAuthorities;
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
            TenantSettings settings = null;
            if (update.clientCas() == null || update.authorities() != null || update.audiences() != null) {
                settings = operations.tenants().updateAllowLists(actor, tenant, update.authorities(),
                        update.audiences()).settings();
            }
            if (update.clientCas() != null) {
                settings = operations.tenants().setClientCas(actor, tenant, update.clientCas()).settings();
            }
            sendJson(response, 200, view(settings != null ? settings : operations.tenants().settings(actor, tenant)));
        });
    }

    private static Map<String, Object> view(TenantSettings settings) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("default_audience", settings.defaultAudience());
        json.put("allowed_authorities", settings.allowedAuthorities());
        json.put("allowed_audiences", settings.allowedAudiences());
        // RFC 8705 §2.1: the CAs whose client certificates tls_client_auth accepts, as PEM ("" for none).
        json.put(CA_BUNDLE, settings.clientCas().pem());
        return json;
    }

    static final String CA_BUNDLE = "tls_client_ca_bundle";

    /**
     * {@code PATCH settings}: a list sent replaces the tenant's; one left out stays. The CA bundle
     * sent replaces the tenant's; {@code ""} or {@code null} removes it.
     *
     * @param clientCas null when not sent
     */
    record UpdateAllowListsRequest(List<String> authorities, List<String> audiences,
                                   ClientCertificateAuthorities clientCas) {

        static final Set<String> FIELDS = Set.of("allowed_authorities", "allowed_audiences", CA_BUNDLE);

        /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
        static UpdateAllowListsRequest parse(Map<String, Object> json) {
            JsonFields fields = JsonFields.body(json, FIELDS);
            ClientCertificateAuthorities cas = null;
            if (fields.has(CA_BUNDLE)) {
                try {
                    cas = ClientCertificateAuthorities.of(fields.string(CA_BUNDLE, false));
                } catch (IllegalArgumentException e) {
                    fields.problem(CA_BUNDLE, e.getMessage());
                }
            }
            UpdateAllowListsRequest request = new UpdateAllowListsRequest(fields.strings("allowed_authorities"),
                    fields.strings("allowed_audiences"), cas);
            fields.throwIfInvalid();
            return request;
        }
    }
}
