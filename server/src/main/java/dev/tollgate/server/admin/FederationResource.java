package dev.tollgate.server.admin;

import com.nimbusds.jose.JWSAlgorithm;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.federation.FederatedIdentity;
import dev.tollgate.core.federation.TrustedIssuer;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.api.JsonApi;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.tollgate.server.api.JsonApi.sendJson;
import static dev.tollgate.server.api.JsonApi.sendNoContent;

/**
 * Workload identity federation (issue 14): {@code federation/issuers}, the external issuers the
 * tenant trusts, and {@code clients/{id}/federation}, the (issuer, subject) pair a
 * {@code federated_jwt} client is.
 */
final class FederationResource {

    static final Set<String> ISSUER_FIELDS = Set.of("issuer", "jwks_uri", "algorithms", "audience",
            "max_lifetime_seconds");
    static final Set<String> IDENTITY_FIELDS = Set.of("issuer", "subject", "claims");

    private final AdminCaller caller;
    private final AdminOperations operations;
    private final AdminExchange exchange;
    private final boolean allowPrivateJwksUri;
    private final Clock clock;

    FederationResource(AdminCaller caller, AdminOperations operations, AdminExchange exchange,
                       boolean allowPrivateJwksUri, Clock clock) {
        this.caller = caller;
        this.operations = operations;
        this.exchange = exchange;
        this.allowPrivateJwksUri = allowPrivateJwksUri;
        this.clock = clock;
    }

    /**
     * {@code GET federation/issuers}; {@code POST} trusts one more; {@code DELETE ?issuer=URL} no
     * longer trusts one (refused while clients are bound to it). The issuer is a URL, so it is a
     * query parameter rather than a path segment.
     */
    void issuers(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET, Method.POST, Method.DELETE), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            Method method = request.prologue().method();
            if (method == Method.GET) {
                List<Map<String, Object>> issuers = operations.federation().issuers(actor, tenant).stream()
                        .map(FederationResource::issuerView).toList();
                sendJson(response, 200, Map.of("issuers", issuers));
            } else if (method == Method.DELETE) {
                JsonFields query = JsonFields.query(JsonApi.singleValued(request), Set.of("issuer"));
                String issuer = query.string("issuer", true);
                query.throwIfInvalid();
                operations.federation().removeIssuer(actor, tenant, issuer);
                sendNoContent(response);
            } else {
                TrustedIssuer issuer = parseIssuer(exchange.json(request));
                sendJson(response, 201, issuerView(operations.federation().addIssuer(actor, tenant, issuer)));
            }
        });
    }

    /** {@code GET clients/{id}/federation}; {@code PUT} binds the client to an (issuer, subject) pair. */
    void clientFederation(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET, Method.PUT), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            ClientId id = ClientResource.pathClientId(request);
            if (request.prologue().method() == Method.GET) {
                FederatedIdentity identity = operations.federation().identity(actor, tenant, id)
                        .orElseThrow(() -> new AdminFailure.NotFound("client " + id + " has no federated identity"));
                sendJson(response, 200, identityView(identity));
                return;
            }
            FederatedIdentity identity = parseIdentity(exchange.json(request));
            sendJson(response, 200, identityView(operations.federation().bind(actor, tenant, id, identity)));
        });
    }

    TrustedIssuer parseIssuer(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, ISSUER_FIELDS);
        String issuer = fields.string("issuer", true);
        URI jwksUri = fields.uri("jwks_uri");
        List<String> algorithms = fields.strings("algorithms");
        String audience = fields.string("audience", false);
        Duration maxLifetime = fields.seconds("max_lifetime_seconds", false, 60,
                TrustedIssuer.LONGEST_MAX_LIFETIME.toSeconds(), "must be a whole number of seconds from 60 to "
                        + TrustedIssuer.LONGEST_MAX_LIFETIME.toSeconds());
        fields.throwIfInvalid();
        if (jwksUri != null) {
            ClientResource.requireFetchable(jwksUri, allowPrivateJwksUri);
        }
        try {
            return new TrustedIssuer(issuer, jwksUri,
                    algorithms == null ? null : algorithms.stream().map(JWSAlgorithm::parse)
                            .collect(java.util.stream.Collectors.toSet()),
                    audience, maxLifetime, clock.instant());
        } catch (IllegalArgumentException e) {
            throw invalid(e);
        }
    }

    static FederatedIdentity parseIdentity(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, IDENTITY_FIELDS);
        String issuer = fields.string("issuer", true);
        String subject = fields.string("subject", true);
        Map<String, String> claims = new LinkedHashMap<>();
        Object raw = json.get("claims");
        if (raw != null) {
            if (raw instanceof Map<?, ?> map && map.values().stream().allMatch(String.class::isInstance)) {
                map.forEach((path, value) -> claims.put(String.valueOf(path), (String) value));
            } else {
                fields.problem("claims", "must be an object of claim path to string value,"
                        + " e.g. {\"kubernetes.io/namespace\": \"prod\"}");
            }
        }
        fields.throwIfInvalid();
        try {
            return new FederatedIdentity(issuer, subject, claims);
        } catch (IllegalArgumentException e) {
            throw invalid(e);
        }
    }

    /** The records' messages start with the field's name: {@code "subject: 1 to 512 ..."}. */
    private static AdminFailure.Invalid invalid(IllegalArgumentException e) {
        String message = e.getMessage() == null ? "invalid" : e.getMessage();
        int colon = message.indexOf(": ");
        return colon > 0 ? AdminFailure.Invalid.of(message.substring(0, colon), message.substring(colon + 2))
                : AdminFailure.Invalid.of(AdminFailure.Invalid.REQUEST, message);
    }

    static Map<String, Object> issuerView(TrustedIssuer issuer) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("issuer", issuer.issuer());
        view.put("jwks_uri", issuer.jwksUri() == null ? null : issuer.jwksUri().toString());
        view.put("discovery", issuer.jwksUri() == null);
        view.put("algorithms", new TreeSet<>(issuer.algorithms().stream().map(JWSAlgorithm::getName).toList()));
        view.put("audience", issuer.audience());
        view.put("max_lifetime_seconds", issuer.maxLifetime().toSeconds());
        view.put("created_at", issuer.createdAt().toString());
        return view;
    }

    static Map<String, Object> identityView(FederatedIdentity identity) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("issuer", identity.issuer());
        view.put("subject", identity.subject());
        view.put("claims", identity.claims());
        return view;
    }
}
