package dev.tollgate.server.http;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerEndpointMetadata;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.client.ClientKeyAlgorithms;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.SigningKeyRing;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** RFC 7517 JWKS and RFC 8414 metadata, per tenant. */
public final class DiscoveryEndpoints {

    /**
     * Verifiers may cache the JWKS this long. Safe because a key is published as NEXT one whole
     * rotation before it signs, and an unknown kid makes well-behaved verifiers refetch anyway.
     */
    static final String JWKS_CACHE_CONTROL = "public, max-age=" + KeyRotation.JWKS_MAX_AGE.toSeconds();

    /** The token_endpoint_auth_method of a workload-identity-federation client. */
    static final String FEDERATED_JWT = "federated_jwt";

    private final Directory directory;
    private final Store store;
    private final Function<TenantId, String> issuers;
    private final Clock clock;
    private final List<JWSAlgorithm> dpopAlgorithms;
    /** Whether clients can present a TLS certificate: the listener asks for one, or a trusted proxy forwards it. */
    private final boolean mutualTls;

    /**
     * @param dpopAlgorithms the algorithms DPoP proofs may use (RFC 9449 §5.1)
     * @param mutualTls      whether RFC 8705 mutual TLS is on (the TLS listener asks for certificates, or a proxy
     *                       forwards them)
     */
    public DiscoveryEndpoints(Directory directory, Store store, Function<TenantId, String> issuers, Clock clock,
                              List<JWSAlgorithm> dpopAlgorithms, boolean mutualTls) {
        this.directory = directory;
        this.dpopAlgorithms = dpopAlgorithms.stream().sorted(java.util.Comparator.comparing(JWSAlgorithm::getName))
                .toList();
        this.store = store;
        this.issuers = issuers;
        this.clock = clock;
        this.mutualTls = mutualTls;
    }

    /** {@code GET /t/{tenant}/oauth2/jwks}. */
    public void jwks(ServerRequest request, ServerResponse response) {
        Optional<TenantId> tenant = knownTenant(request, response);
        if (tenant.isEmpty()) {
            return;
        }
        Optional<SigningKeyRing> ring = directory.keyRing(tenant.get());
        String json = ring.map(r -> r.publicJwks(clock.instant()).toString(true)).orElse("{\"keys\":[]}");
        OAuthResponses.sendJson(response, 200, json, JWKS_CACHE_CONTROL);
    }

    /** RFC 8414 metadata at every place clients look for it. */
    public void metadata(ServerRequest request, ServerResponse response) {
        Optional<TenantId> tenant = knownTenant(request, response);
        if (tenant.isEmpty()) {
            return;
        }
        String issuer = issuers.apply(tenant.get());
        AuthorizationServerMetadata metadata = new AuthorizationServerMetadata(new Issuer(issuer));
        metadata.setTokenEndpointURI(URI.create(issuer + "/oauth2/token"));
        metadata.setJWKSetURI(URI.create(issuer + "/oauth2/jwks"));
        metadata.setGrantTypes(List.of(GrantType.CLIENT_CREDENTIALS));
        // RFC 8414 §2 requires the member; a client-credentials-only server has no response types.
        metadata.setResponseTypes(List.<ResponseType>of());
        // Not client_secret_jwt: secrets are stored only as keyed hashes, never as HMAC keys (issue 14).
        List<ClientAuthenticationMethod> clientAuthMethods = new ArrayList<>(List.of(
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST,
                ClientAuthenticationMethod.PRIVATE_KEY_JWT));
        if (mutualTls) {
            // RFC 8705 §2.1.1 and §2.2.1.
            clientAuthMethods.add(ClientAuthenticationMethod.TLS_CLIENT_AUTH);
            clientAuthMethods.add(ClientAuthenticationMethod.SELF_SIGNED_TLS_CLIENT_AUTH);
            // RFC 8705 §3.3: this server issues certificate-bound tokens.
            metadata.setSupportsTLSClientCertificateBoundAccessTokens(true);
            // RFC 8705 §5: the same listener serves mutual TLS (it asks for a certificate without
            // requiring one), so the aliases are the endpoints themselves.
            AuthorizationServerEndpointMetadata aliases = new AuthorizationServerEndpointMetadata();
            aliases.setTokenEndpointURI(URI.create(issuer + "/oauth2/token"));
            aliases.setIntrospectionEndpointURI(URI.create(issuer + "/oauth2/introspect"));
            aliases.setRevocationEndpointURI(URI.create(issuer + "/oauth2/revoke"));
            metadata.setMtlsEndpointAliases(aliases);
        }
        if (!store.federation().issuers(tenant.get()).isEmpty()) {
            // Workload identity federation (issue 14): not an IANA name, but clients of this tenant
            // may register with it; on the wire it is an RFC 7523 jwt-bearer client assertion.
            clientAuthMethods.add(new ClientAuthenticationMethod(FEDERATED_JWT));
        }
        metadata.setTokenEndpointAuthMethods(clientAuthMethods);
        // RFC 8414 §2: required with private_key_jwt; none is never in it (RFC 8414 says "MUST NOT").
        metadata.setTokenEndpointJWSAlgs(ClientKeyAlgorithms.SUPPORTED);
        metadata.setIntrospectionEndpointJWSAlgs(ClientKeyAlgorithms.SUPPORTED);
        metadata.setRevocationEndpointJWSAlgs(ClientKeyAlgorithms.SUPPORTED);
        // RFC 8414 §2: introspection (RFC 7662) and revocation (RFC 7009) authenticate clients as the token endpoint does.
        metadata.setIntrospectionEndpointURI(URI.create(issuer + "/oauth2/introspect"));
        metadata.setIntrospectionEndpointAuthMethods(clientAuthMethods);
        metadata.setRevocationEndpointURI(URI.create(issuer + "/oauth2/revoke"));
        metadata.setRevocationEndpointAuthMethods(clientAuthMethods);
        directory.keyRing(tenant.get()).ifPresent(ring -> metadata.setCustomParameter(
                "access_token_signing_alg_values_supported",
                List.of(ring.current().algorithm().jwsAlgorithm().getName())));
        // RFC 9449 §5.1: dpop_signing_alg_values_supported.
        metadata.setDPoPJWSAlgs(dpopAlgorithms);
        Scope scopes = new Scope();
        for (ScopeDefinition scope : store.scopes().list(tenant.get())) {
            scopes.add(scope.name().value());
        }
        metadata.setScopes(scopes);
        OAuthResponses.sendJson(response, 200, metadata.toJSONObject().toJSONString(), "public, max-age=300");
    }

    private Optional<TenantId> knownTenant(ServerRequest request, ServerResponse response) {
        TenantId tenant = PathTenant.of(request);
        if (tenant != null && directory.tenant(tenant).isPresent()) {
            return Optional.of(tenant);
        }
        OAuthResponses.sendError(response, new ErrorObject(OAuth2Error.INVALID_REQUEST_CODE, "unknown tenant", 404),
                "tollgate");
        return Optional.empty();
    }

}
