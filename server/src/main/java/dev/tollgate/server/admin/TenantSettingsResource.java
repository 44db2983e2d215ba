package dev.tollgate.server.admin;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.TenantOperations;
import dev.tollgate.core.client.ClientCertificateAuthorities;
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
            UnaryOperator<TenantSettings> keyRotation = update.changesKeyRotation()
                    ? s -> s.withKeyRotationInterval(update.keyRotationInterval()) : UnaryOperator.identity();
            // RFC 8705 §2.1's CA bundle: the tenant admin's too (a CA trusted here vouches for every
            // tls_client_auth client), in the same change and audit event.
            UnaryOperator<TenantSettings> change = update.clientCas() == null ? keyRotation
                    : s -> keyRotation.apply(s).withClientCas(update.clientCas());
            sendJson(response, 200, view(operations.tenants().updateTenantAdminSettings(actor, tenant,
                    update.authorities(), update.audiences(), change.andThen(s -> update.dpopNonces() == null
                            ? s : s.withDpopNonces(update.dpopNonces()))::apply).settings()));
        });
    }

    private static Map<String, Object> view(TenantSettings settings) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("default_audience", settings.defaultAudience());
        json.put("allowed_authorities", settings.allowedAuthorities());
        json.put("allowed_audiences", settings.allowedAudiences());
        json.put(TenantOperations.KEY_ROTATION_INTERVAL,
                TenantOperations.formatKeyRotationInterval(settings.keyRotationInterval()));
        // RFC 8705 §2.1: the CAs whose client certificates tls_client_auth accepts, as PEM ("" for none).
        json.put(CA_BUNDLE, settings.clientCas().pem());
        json.put("dpop_nonces", settings.dpopNonces());
        return json;
    }

    static final String CA_BUNDLE = "tls_client_ca_bundle";

    /**
     * {@code PATCH settings}: a list sent replaces the tenant's; one left out stays.
     * {@code key_rotation_interval} is {@code "off"} (or null, as a merge patch removes a member) or
     * an ISO-8601 duration; left out, it stays. {@code dpop_nonces}: DPoP proofs must carry the
     * server's nonce (RFC 9449 §8/§9); left out, it stays. {@code tls_client_ca_bundle} (PEM) replaces the
     * tenant's CA bundle; {@code ""} or null removes it; left out, it stays.
     *
     * @param clientCas null when not sent
     */
    record UpdateSettingsRequest(List<String> authorities, List<String> audiences, boolean changesKeyRotation,
                                 Duration keyRotationInterval, ClientCertificateAuthorities clientCas,
                                 Boolean dpopNonces) {

        static final Set<String> FIELDS = Set.of("allowed_authorities", "allowed_audiences",
                TenantOperations.KEY_ROTATION_INTERVAL, CA_BUNDLE, "dpop_nonces");

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
            ClientCertificateAuthorities cas = null;
            if (fields.has(CA_BUNDLE)) {
                try {
                    cas = ClientCertificateAuthorities.of(fields.string(CA_BUNDLE, false));
                } catch (IllegalArgumentException e) {
                    fields.problem(CA_BUNDLE, e.getMessage());
                }
            }
            Boolean dpopNonces = fields.bool("dpop_nonces");
            fields.throwIfInvalid();
            return new UpdateSettingsRequest(authorities, audiences, changesKeyRotation, interval, cas, dpopNonces);
        }
    }
}
