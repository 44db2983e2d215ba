package dev.tollgate.server;

import dev.tollgate.testing.TestClock;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tokens as third parties get and check them: requested with the Nimbus OAuth 2.0 SDK's client,
 * validated with Spring Security's resource-server decoder against the JWKS, and discovered
 * through RFC 8414 metadata — on both stores.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Kind.class)
class InteropTest {

    private static final String API_AUDIENCE = "https://api.example.test";

    private static TestServer server;

    @Parameter
    TestServer.Kind kind;

    @BeforeParameterizedClassInvocation
    static void startServer(TestServer.Kind kind) {
        server = TestServer.start(kind);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @ParameterizedTest(name = "{0}, scope [{1}]")
    @CsvSource(nullValues = "NONE", value = {
            "client_secret_basic, NONE,                    users:read users:write",
            "client_secret_basic, users:read,              users:read",
            "client_secret_basic, users:write users:read,  users:read users:write",
            "client_secret_post,  NONE,                    users:read users:write",
            "client_secret_post,  users:write,             users:write",
    })
    void tokenWhenRequestedWithNimbusClientThenSpringResourceServerAcceptsIt(String method, String scope,
                                                                         String grantedScope) throws ParseException {
        ClientWithSecret client = server.defaultClient();
        ClientAuthentication auth = method.equals("client_secret_basic")
                ? NimbusClient.basic(client) : NimbusClient.post(client);

        TokenResponse response = NimbusClient.request(server.tokenEndpoint(), auth, scope);

        assertThat(response.indicatesSuccess()).as("token response").isTrue();
        var tokens = response.toSuccessResponse().getTokens();
        assertThat(tokens.getAccessToken().getType().getValue()).isEqualTo("Bearer");
        assertThat(tokens.getAccessToken().getLifetime()).isEqualTo(3600);
        assertThat(tokens.getAccessToken().getScope().toString()).isEqualTo(grantedScope);

        String token = tokens.getAccessToken().getValue();
        Jwt jwt = springDecoder(server.issuer(), defaultAudience()).decode(token);
        assertThat(jwt.getClaimAsString("scope")).isEqualTo(grantedScope);
        assertThat(jwt.getIssuer().toString()).isEqualTo(server.issuer());
        assertThat(jwt.getAudience()).containsExactly(defaultAudience());
        assertThat(jwt.getSubject()).isEqualTo(client.client().clientId().value());
        assertThat(jwt.getClaimAsString("client_id")).isEqualTo(client.client().clientId().value());
        assertThat(jwt.getClaimAsString("customer_id")).isEqualTo(TestServer.TENANT.value());
        assertThat(jwt.getExpiresAt()).isEqualTo(jwt.getIssuedAt().plusSeconds(3600));
        assertThat(jwt.getHeaders()).containsEntry("typ", "at+jwt").containsEntry("alg", "ES256");
        assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isNotBlank();
    }

    @Test
    void tokenRequestWhenResourceIsAnAllowedAudienceThenSpringAcceptsTheTokenForThatAudience() {
        ClientWithSecret client = Administration.of(server.app()).clients.create(TestServer.TENANT, new ClientSpec("interop-api-client",
                ScopeSet.of("users:read"), null, List.of(API_AUDIENCE), null, null));

        String token = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(client), "users:read",
                URI.create(API_AUDIENCE));

        Jwt jwt = springDecoder(server.issuer(), API_AUDIENCE).decode(token);
        assertThat(jwt.getAudience()).containsExactly(API_AUDIENCE);
        assertThat(jwt.getClaimAsString("scope")).isEqualTo("users:read");
        // The audience check is real: a resource server that is someone else refuses the token.
        assertThatThrownBy(() -> springDecoder(server.issuer(), defaultAudience()).decode(token))
                .isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("aud");
    }

    @Test
    void tokenRequestWhenClientHasAnAllowedAudienceAndNoResourceThenTheTokenIsForItsAudience() {
        ClientWithSecret client = Administration.of(server.app()).clients.create(TestServer.TENANT, new ClientSpec("interop-api-default",
                ScopeSet.of("users:read"), null, List.of(API_AUDIENCE), null, null));

        String token = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.post(client), null);

        assertThat(springDecoder(server.issuer(), API_AUDIENCE).decode(token).getAudience())
                .containsExactly(API_AUDIENCE);
    }

    @Test
    void tokenRequestWhenResourceIsNotAnAllowedAudienceThenInvalidTarget() {
        ClientWithSecret client = Administration.of(server.app()).clients.create(TestServer.TENANT, new ClientSpec("interop-api-narrow",
                ScopeSet.of("users:read"), null, List.of(API_AUDIENCE), null, null));

        TokenResponse response = NimbusClient.request(server.tokenEndpoint(), NimbusClient.basic(client), null,
                URI.create("https://other.example.test"));

        assertThat(response.indicatesSuccess()).isFalse();
        assertThat(response.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_target");
        assertThat(response.toErrorResponse().getErrorObject().getHTTPStatusCode()).isEqualTo(400);
    }

    @Test
    void springDefaultValidatorsWhenAtJwtThenRejectedSoAResourceServerMustUseTheAtJwtValidator() {
        String token = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()), null);
        String jwks = server.jwksUri().toString();

        // Out of the box: JwtValidators.createDefault() has JwtTypeValidator.jwt(), which accepts only "JWT".
        NimbusJwtDecoder outOfTheBox = NimbusJwtDecoder.withJwkSetUri(jwks).jwsAlgorithm(SignatureAlgorithm.ES256).build();
        assertThatThrownBy(() -> outOfTheBox.decode(token))
                .isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("typ");

        // The same with an issuer check added the usual way.
        NimbusJwtDecoder withIssuer = NimbusJwtDecoder.withJwkSetUri(jwks).jwsAlgorithm(SignatureAlgorithm.ES256).build();
        withIssuer.setJwtValidator(JwtValidators.createDefaultWithIssuer(server.issuer()));
        assertThatThrownBy(() -> withIssuer.decode(token))
                .isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("typ");

        // validateType(true) moves the old check back into Nimbus ("JWT" or none), which rejects it too.
        NimbusJwtDecoder nimbusTyped = NimbusJwtDecoder.withJwkSetUri(jwks).jwsAlgorithm(SignatureAlgorithm.ES256)
                .validateType(true).build();
        nimbusTyped.setJwtValidator(SpringResourceServer.atJwtValidator(server.issuer(), defaultAudience(),
                server.clock()));
        assertThatThrownBy(() -> nimbusTyped.decode(token))
                .isInstanceOf(BadJwtException.class)
                .hasMessageContaining("type");

        // The RFC 9068 way: JwtValidators.createAtJwtValidator(), with typ left to it (validateType off, the default).
        assertThat(springDecoder(server.issuer(), defaultAudience()).decode(token).getHeaders())
                .containsEntry("typ", "at+jwt");
    }

    @Test
    void tokenWhenPastItsExpiryThenSpringRejectsIt() {
        String token = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()), null);
        // Spring allows 60 s of clock skew; a verifier two minutes past exp must refuse.
        Clock later = TestClock.at(server.clock().instant().plusSeconds(3600 + 120));

        JwtDecoder decoder = SpringResourceServer.decoder(server.jwksUri().toString(), server.issuer(),
                defaultAudience(), later);

        assertThatThrownBy(() -> decoder.decode(token))
                .isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void tokenWhenIssuedByOneTenantThenRejectedByAResourceServerTrustingAnotherIssuer() {
        String token = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()), null);

        JwtDecoder decoder = SpringResourceServer.decoder(server.jwksUri().toString(), server.baseUrl() + "/t/99999",
                defaultAudience(), server.clock());

        assertThatThrownBy(() -> decoder.decode(token))
                .isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("iss");
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"RS256", "PS256"})
    void tenantWhenSigningWithRsaThenSpringAcceptsItsTokensWithThatAlgorithm(SigningAlgorithm algorithm) {
        Tenant tenant = createTenant(algorithm);

        String token = NimbusClient.accessToken(tenant.tokenEndpoint(), NimbusClient.basic(tenant.defaultClient()),
                "users:read");

        Jwt jwt = SpringResourceServer.decoder(tenant.jwksUri(), SignatureAlgorithm.from(algorithm.jwsAlgorithm().getName()),
                tenant.issuer(), tenant.issuer() + "/api", server.clock()).decode(token);
        assertThat(jwt.getHeaders()).containsEntry("alg", algorithm.jwsAlgorithm().getName())
                .containsEntry("typ", "at+jwt");
        assertThat(jwt.getIssuer().toString()).isEqualTo(tenant.issuer());
        assertThat(jwt.getClaimAsString("customer_id")).isEqualTo(tenant.id().value());
        assertThat(jwt.getClaimAsString("scope")).isEqualTo("users:read");
        // A resource server that expects ES256 does not accept another algorithm.
        assertThatThrownBy(() -> SpringResourceServer.decoder(tenant.jwksUri(), SignatureAlgorithm.ES256,
                tenant.issuer(), tenant.issuer() + "/api", server.clock()).decode(token))
                .isInstanceOf(BadJwtException.class);
    }

    /**
     * Neither Spring's decoder nor a stock Nimbus {@code DefaultJWTProcessor} can check EdDSA: Spring's
     * {@link SignatureAlgorithm} has no EdDSA, and Nimbus's {@code JWSVerificationKeySelector} drops OKP
     * keys (they have no {@code java.security.Key} form there), so it reports "no matching key(s)". The
     * token is checked the way such a resource server has to: the key chosen from the published JWKS by
     * Nimbus's header matcher, the signature by {@link Ed25519Verifier}, the claims by
     * {@link DefaultJWTClaimsVerifier}.
     */
    @Test
    void tenantWhenSigningWithEdDsaThenItsTokensVerifyWithEd25519AgainstThePublishedJwks() throws Exception {
        Tenant tenant = createTenant(SigningAlgorithm.EdDSA);

        String token = NimbusClient.accessToken(tenant.tokenEndpoint(), NimbusClient.basic(tenant.defaultClient()), null);

        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(URI.create(tenant.jwksUri()).toURL()).build();
        List<JWK> matching = keys.get(new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader())), null);
        assertThat(matching).singleElement().isInstanceOfSatisfying(OctetKeyPair.class, key -> {
            assertThat(key.getCurve()).isEqualTo(Curve.Ed25519);
            assertThat(key.isPrivate()).isFalse();
        });
        assertThat(jwt.verify(new Ed25519Verifier((OctetKeyPair) matching.get(0)))).isTrue();

        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        new DefaultJWTClaimsVerifier<>(tenant.issuer() + "/api",
                new JWTClaimsSet.Builder().issuer(tenant.issuer()).build(),
                Set.of("sub", "exp", "iat", "jti", "client_id", "scope")).verify(claims, null);
        assertThat(claims.getStringClaim("scope")).isEqualTo("users:read users:write");
        assertThat(claims.getStringClaim("client_id")).isEqualTo(tenant.defaultClient().client().clientId().value());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/.well-known/oauth-authorization-server/t/10001",
            "/t/10001/.well-known/oauth-authorization-server",
            "/t/10001/.well-known/openid-configuration",
            "/.well-known/openid-configuration/t/10001",
    })
    void metadataWhenFetchedThenNimbusParsesItAndItsIssuerIsTheTokensIssuer(String path) throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).GET()
                .build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));

        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(response.body());

        String token = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()), null);
        assertThat(metadata.getIssuer().getValue())
                .isEqualTo(SignedJWT.parse(token).getJWTClaimsSet().getIssuer())
                .isEqualTo(server.issuer());
        assertThat(metadata.getTokenEndpointURI()).isEqualTo(server.tokenEndpoint());
        assertThat(metadata.getJWKSetURI()).isEqualTo(server.jwksUri());
        assertThat(metadata.getGrantTypes()).containsExactly(GrantType.CLIENT_CREDENTIALS);
        assertThat(metadata.getTokenEndpointAuthMethods()).containsExactlyInAnyOrder(
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST,
                ClientAuthenticationMethod.PRIVATE_KEY_JWT);
        assertThat(metadata.getScopes().toStringList()).contains("users:read", "users:write");
        // The advertised token endpoint and JWKS are the ones that work.
        String viaMetadata = NimbusClient.accessToken(metadata.getTokenEndpointURI(),
                NimbusClient.basic(server.defaultClient()), null);
        assertThat(springDecoder(metadata.getJWKSetURI().toString(), metadata.getIssuer().getValue(),
                defaultAudience()).decode(viaMetadata).getIssuer().toString()).isEqualTo(server.issuer());
    }

    @Test
    void metadataWhenUnknownTenantThenNotFound() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/.well-known/oauth-authorization-server/t/99999")).GET().build());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains(OAuth2Error.INVALID_REQUEST_CODE);
    }

    @Test
    void springDecoderWhenBuiltFromTheIssuerLocationThenDiscoversTheJwksAndItsAlgorithmAndAcceptsTheToken() {
        String token = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()), null);

        // Spring reads the metadata, checks that its issuer is the one asked for, and takes jwks_uri from it;
        // the algorithm comes from the keys' "alg" in the JWKS.
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(server.issuer()).discoverJwsAlgorithms().build();
        decoder.setJwtValidator(SpringResourceServer.atJwtValidator(server.issuer(), defaultAudience(), server.clock()));

        assertThat(decoder.decode(token).getClaimAsString("client_id"))
                .isEqualTo(server.defaultClient().client().clientId().value());
    }

    private static String defaultAudience() {
        return server.issuer() + "/api";
    }

    private static JwtDecoder springDecoder(String issuer, String audience) {
        return springDecoder(server.jwksUri().toString(), issuer, audience);
    }

    private static JwtDecoder springDecoder(String jwksUri, String issuer, String audience) {
        return SpringResourceServer.decoder(jwksUri, issuer, audience, server.clock());
    }

    /** A second tenant on this server, signing with {@code algorithm}. */
    private record Tenant(TenantId id, String issuer, ClientWithSecret defaultClient) {
        URI tokenEndpoint() {
            return URI.create(issuer + "/oauth2/token");
        }

        String jwksUri() {
            return issuer + "/oauth2/jwks";
        }
    }

    private static Tenant createTenant(SigningAlgorithm algorithm) {
        TenantId id = TenantId.of(switch (algorithm) {
            case ES256 -> "20001";
            case RS256 -> "20002";
            case PS256 -> "20003";
            case EdDSA -> "20004";
        });
        ProvisionedTenant created = Administration.of(server.app()).tenants.create(id, "Interop " + algorithm,
                TenantSettings.DEFAULTS.withSigningAlgorithm(algorithm));
        ClientWithSecret defaultClient = created.clients().stream()
                .filter(c -> c.client().builtin() == BuiltinClient.DEFAULT).findFirst().orElseThrow();
        return new Tenant(id, server.baseUrl() + "/t/" + id.value(), defaultClient);
    }
}
