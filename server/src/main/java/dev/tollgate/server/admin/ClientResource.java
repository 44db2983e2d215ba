package dev.tollgate.server.admin;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.Page;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.api.JsonApi;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.util.Set;

import static dev.tollgate.server.api.JsonApi.sendJson;
import static dev.tollgate.server.api.JsonApi.sendNoContent;

/**
 * {@code clients}: the tenant's client credentials, their secrets' rotation and the tokens they
 * were issued. A secret is in exactly two answers, the creation and a rotation, and never again.
 */
final class ClientResource {

    /** The issuance chart's bucket. */
    private static final Duration HOUR = Duration.ofHours(1);

    private final AdminCaller caller;
    private final AdminOperations operations;
    private final AdminExchange exchange;
    /** jwks-uri.allow-private-addresses: what a registered jwks_uri may name. */
    private final boolean allowPrivateJwksUri;

    ClientResource(AdminCaller caller, AdminOperations operations, AdminExchange exchange,
                   boolean allowPrivateJwksUri) {
        this.caller = caller;
        this.operations = operations;
        this.exchange = exchange;
        this.allowPrivateJwksUri = allowPrivateJwksUri;
    }

    /** {@code GET clients?q=&offset=&limit=}, {@code POST clients} */
    void clients(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET, Method.POST), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            if (request.prologue().method() == Method.GET) {
                ClientQuery query = ClientQuery.parse(JsonApi.singleValued(request));
                Page<ClientCredential> page = operations.clients().list(actor, tenant, query.search(), query.offset(),
                        query.limit());
                sendJson(response, 200, AdminApiViews.page("clients", page, AdminApiViews::client));
                return;
            }
            CreateClientRequest create = CreateClientRequest.parse(exchange.json(request));
            if (create.jwksUri() != null) {
                requireFetchable(create.jwksUri());
            }
            ClientWithSecret created = operations.clients().create(actor, tenant, create.spec());
            response.header(HeaderNames.LOCATION, AdminExchange.location(tenant,
                    "clients/" + created.client().clientId().value()));
            sendJson(response, 201, AdminApiViews.clientWithSecret(created));
        });
    }

    /** {@code GET}, {@code PATCH} (a merge patch) and {@code DELETE clients/{id}} */
    void client(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET, Method.PATCH, Method.DELETE), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            ClientId id = pathClientId(request);
            Method method = request.prologue().method();
            if (method == Method.GET) {
                sendJson(response, 200, AdminApiViews.client(operations.clients().get(actor, tenant, id)));
            } else if (method == Method.DELETE) {
                // The default credentials can be rotated and disabled, not deleted.
                operations.clients().delete(actor, tenant, id);
                sendNoContent(response);
            } else {
                UpdateClientRequest update = UpdateClientRequest.parse(exchange.mergePatch(request));
                sendJson(response, 200, AdminApiViews.client(operations.clients().update(actor, tenant, id,
                        update.update())));
            }
        });
    }

    /**
     * {@code PUT clients/{id}/tls}: the client's RFC 8705 registration, whole: its certificate subject
     * (one field, tls_client_auth clients only) and {@code tls_client_certificate_bound_access_tokens}.
     */
    void tls(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.PUT), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            ClientId id = pathClientId(request);
            JsonFields fields = JsonFields.body(exchange.json(request), ClientTlsFields.FIELDS);
            ClientTls tls = ClientTlsFields.parse(fields, false);
            fields.throwIfInvalid();
            sendJson(response, 200, AdminApiViews.client(operations.clients().setTls(actor, tenant, id, tls)));
        });
    }

    /** {@code POST clients/{id}/rotate-secret}: a new secret; the previous one works for the overlap. */
    void rotateSecret(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.POST), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            ClientId id = pathClientId(request);
            RotateSecretRequest rotate = RotateSecretRequest.parse(exchange.optionalJson(request));
            sendJson(response, 200, AdminApiViews.clientWithSecret(operations.clients().rotateSecret(actor, tenant, id,
                    rotate.overlap())));
        });
    }

    /** {@code POST clients/{id}/revoke-previous-secret}: ends the overlap once every deployment has the new one. */
    void revokePreviousSecret(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.POST), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            ClientId id = pathClientId(request);
            sendJson(response, 200, AdminApiViews.client(operations.clients().revokePreviousSecret(actor, tenant, id)));
        });
    }

    /**
     * {@code POST clients/{id}/revoke-tokens}: every token issued to the client until now stops
     * working; its new tokens work from {@code not_before} on. What {@code client revoke-tokens} does.
     */
    void revokeTokens(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.POST), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            ClientId id = pathClientId(request);
            sendJson(response, 200, AdminApiViews.cutoff(operations.clients().revokeTokens(actor, tenant, id)));
        });
    }

    /** {@code GET clients/{id}/issuance?hours=24}: tokens issued per hour, oldest first, ending now. */
    void issuance(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            ClientId id = pathClientId(request);
            IssuanceQuery query = IssuanceQuery.parse(JsonApi.singleValued(request));
            long[] counts = operations.clients().tokenIssuance(actor, tenant, id, HOUR, query.hours());
            sendJson(response, 200, AdminApiViews.issuance(id, HOUR, counts));
        });
    }

    /**
     * {@code GET clients/{id}/keys}: the public keys (kid, type, thumbprint) or the jwks_uri;
     * {@code POST}: adds keys ({@code jwk}: a JWK or JWK set object, or a PEM public key or certificate);
     * {@code PUT}: replaces them with a {@code jwks_uri}.
     */
    void keys(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.GET, Method.POST, Method.PUT), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            ClientId id = pathClientId(request);
            Method method = request.prologue().method();
            if (method == Method.GET) {
                sendJson(response, 200, AdminApiViews.keys(operations.clients().get(actor, tenant, id)));
                return;
            }
            JsonFields fields = JsonFields.body(exchange.json(request), method == Method.POST ? Set.of("jwk")
                    : Set.of("jwks_uri"));
            if (method == Method.POST) {
                var keys = fields.publicKeys("jwk");
                if (keys == null && !fields.has("jwk")) {
                    fields.problem("jwk", "required");
                }
                fields.throwIfInvalid();
                sendJson(response, 200, AdminApiViews.keys(operations.clients().addKeys(actor, tenant, id, keys)));
            } else {
                java.net.URI uri = fields.uri("jwks_uri");
                if (uri == null && !fields.has("jwks_uri")) {
                    fields.problem("jwks_uri", "required");
                }
                fields.throwIfInvalid();
                requireFetchable(uri);
                sendJson(response, 200, AdminApiViews.keys(operations.clients().setJwksUri(actor, tenant, id, uri)));
            }
        });
    }

    /** {@code DELETE clients/{id}/keys/{kid}}: removes one inline key. */
    void key(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.DELETE), () -> {
            TenantId tenant = caller.tenant(request);
            Actor actor = caller.actor(request, tenant);
            ClientId id = pathClientId(request);
            String kid = request.path().pathParameters().first("kid").orElse("");
            sendJson(response, 200, AdminApiViews.keys(operations.clients().removeKey(actor, tenant, id, kid)));
        });
    }

    /** https and a public address (RFC 7591 §5, SSRF), checked when registered as well as when fetched. */
    private void requireFetchable(java.net.URI uri) {
        requireFetchable(uri, allowPrivateJwksUri);
    }

    static void requireFetchable(java.net.URI uri, boolean allowPrivateJwksUri) {
        try {
            new dev.tollgate.core.client.ClientKeys(null, uri);
            dev.tollgate.server.http.JwksUriFetcher.check(uri, allowPrivateJwksUri);
        } catch (IllegalArgumentException | dev.tollgate.core.token.JwksUriCache.FetchException e) {
            throw AdminFailure.Invalid.of("jwks_uri", e.getMessage());
        }
    }

    /** An id that cannot be a client's is answered as an unknown one. */
    static ClientId pathClientId(ServerRequest request) {
        String raw = request.path().pathParameters().first("id").orElse("");
        if (!ClientId.isValid(raw)) {
            throw new AdminFailure.NotFound("no such client");
        }
        return new ClientId(raw);
    }
}
