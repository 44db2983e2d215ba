package dev.tollgate.server;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.federation.FederatedIdentity;
import dev.tollgate.core.federation.TrustedIssuer;
import dev.tollgate.core.token.ClientAssertionVerifier;
import dev.tollgate.server.config.ClientKeyConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workload identity federation over real HTTP on 127.0.0.1, with a fake issuer served by the test:
 * one shaped like a Kubernetes service-account issuer (RS256, {@code kubernetes.io} nested claims,
 * jwks_uri registered) and one like a SPIFFE JWT-SVID issuer (ES256, found by OIDC discovery, its
 * own audience, tokens without jti). Every refusal is 401 {@code invalid_client} and changes nothing.
 */
class FederatedClientTest {

    private static final String K8S_ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final String K8S_SUBJECT = "system:serviceaccount:prod:billing";
    private static final String SPIFFE_SUBJECT = "spiffe://example.org/ns/prod/sa/billing";
    private static final String SPIFFE_AUDIENCE = "tollgate-prod";

    private static TestServer server;
    private static HttpServer issuerHost;
    private static RSAKey k8sKey;
    private static ECKey spiffeKey;
    private static String spiffeIssuer;
    private static ClientCredential k8sClient;
    private static ClientCredential spiffeClient;

    @BeforeAll
    static void start() throws Exception {
        k8sKey = new RSAKeyGenerator(2048).keyID("k8s-1").generate();
        spiffeKey = new ECKeyGenerator(Curve.P_256).keyID("spiffe-1").generate();
        issuerHost = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String base = "http://127.0.0.1:" + issuerHost.getAddress().getPort();
        spiffeIssuer = base + "/spiffe";
        serve("/k8s/openid/v1/jwks", new JWKSet(k8sKey.toPublicJWK()).toString(true));
        serve("/spiffe/keys", new JWKSet(spiffeKey.toPublicJWK()).toString(true));
        serve("/spiffe/.well-known/openid-configuration", JSONObjectUtils.toJSONString(Map.of(
                "issuer", spiffeIssuer, "jwks_uri", base + "/spiffe/keys")));
        issuerHost.start();
        // A fake issuer on 127.0.0.1 needs the setting that allows private addresses (off by default).
        server = TestServer.embedded(b -> b.clientKeys(new ClientKeyConfig(ClientKeyConfig.DEFAULTS.assertions(),
                Duration.ofSeconds(2), 65_536, true)));
        var federation = server.app().adminOperations().federation();
        federation.addIssuer(Actor.cli(TENANT), TENANT, new TrustedIssuer(K8S_ISSUER,
                URI.create(base + "/k8s/openid/v1/jwks"), Set.of(JWSAlgorithm.RS256), null, null, now()));
        federation.addIssuer(Actor.cli(TENANT), TENANT, new TrustedIssuer(spiffeIssuer, null,
                Set.of(JWSAlgorithm.ES256), SPIFFE_AUDIENCE, Duration.ofMinutes(10), now()));
        k8sClient = createClient(new FederatedIdentity(K8S_ISSUER, K8S_SUBJECT,
                Map.of("kubernetes.io/namespace", "prod", "kubernetes.io/serviceaccount/name", "billing")));
        spiffeClient = createClient(new FederatedIdentity(spiffeIssuer, SPIFFE_SUBJECT, Map.of()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (issuerHost != null) {
            issuerHost.stop(0);
        }
    }

    private static void serve(String path, String json) {
        issuerHost.createContext(path, exchange -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static ClientCredential createClient(FederatedIdentity identity) {
        ClientCredential template = server.defaultClient().client();
        ClientCredential client = server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                new ClientSpec("workload " + UUID.randomUUID(), template.allowedScopes(), template.defaultScopes(),
                        null, null, null, false, ClientAuthMethod.FEDERATED_JWT, null)).client();
        server.app().adminOperations().federation().bind(Actor.cli(TENANT), TENANT, client.clientId(), identity);
        return client;
    }

    // ---------------------------------------------------------------- accepted

    @Test
    void tokenRequestWhenKubernetesServiceAccountTokenOfTheBoundSubjectThenIssuedToTheClient() throws Exception {
        HttpResponse<String> response = post(k8sClient, k8sToken(c -> { }));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String accessToken = (String) JSONObjectUtils.parse(response.body()).get("access_token");
        JWTClaimsSet claims = SignedJWT.parse(accessToken).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(k8sClient.clientId().value());
        assertThat(claims.getIssuer()).isEqualTo(server.issuer());
    }

    @Test
    void tokenRequestWhenSpiffeJwtSvidFoundByDiscoveryThenIssued() throws Exception {
        HttpResponse<String> response = post(spiffeClient, spiffeToken(c -> { }));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void metadataWhenTheTenantTrustsIssuersThenFederatedJwtIsListed() throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                URI.create(server.issuer() + "/.well-known/oauth-authorization-server")).GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSONObjectUtils.parse(response.body()).get("token_endpoint_auth_methods_supported"))
                .asList().contains("private_key_jwt", "federated_jwt");
    }

    // ---------------------------------------------------------------- refused

    @Test
    void tokenRequestWhenAnotherServiceAccountThenInvalidClient() throws Exception {
        assertInvalidClient(post(k8sClient, k8sToken(c -> c.subject("system:serviceaccount:prod:intruder"))));
    }

    @Test
    void tokenRequestWhenTheNamespaceClaimDiffersThenInvalidClient() throws Exception {
        assertInvalidClient(post(k8sClient, k8sToken(c -> c.claim("kubernetes.io", Map.of(
                "namespace", "staging", "serviceaccount", Map.of("name", "billing"))))));
    }

    @Test
    void tokenRequestWhenTheNamespaceClaimIsMissingThenInvalidClient() throws Exception {
        assertInvalidClient(post(k8sClient, k8sToken(c -> c.claim("kubernetes.io", null))));
    }

    @Test
    void tokenRequestWhenTheAudienceIsTheKubernetesApiServerThenInvalidClient() throws Exception {
        assertInvalidClient(post(k8sClient, k8sToken(c -> c.audience(K8S_ISSUER))));
    }

    @Test
    void tokenRequestWhenSpiffeTokenCarriesTheTenantIssuerInsteadOfItsAudienceThenInvalidClient() throws Exception {
        assertInvalidClient(post(spiffeClient, spiffeToken(c -> c.audience(server.issuer()))));
    }

    @Test
    void tokenRequestWhenExpiredThenInvalidClient() throws Exception {
        assertInvalidClient(post(k8sClient, k8sToken(c -> c.expirationTime(Date.from(now().minusSeconds(120)))
                .issueTime(Date.from(now().minusSeconds(720))).notBeforeTime(Date.from(now().minusSeconds(720))))));
    }

    @Test
    void tokenRequestWhenNoExpThenInvalidClient() throws Exception {
        assertInvalidClient(post(k8sClient, k8sToken(c -> c.expirationTime(null))));
    }

    @Test
    void tokenRequestWhenExpBeyondTheIssuersMaxLifetimeThenInvalidClient() throws Exception {
        assertInvalidClient(post(k8sClient, k8sToken(c -> c.expirationTime(Date.from(now().plus(Duration.ofHours(2)))))));
    }

    @Test
    void tokenRequestWhenSignedByAnotherKeyWithTheIssuersKidThenInvalidClient() throws Exception {
        RSAKey forged = new RSAKeyGenerator(2048).keyID("k8s-1").generate();
        String token = sign(new RSASSASigner(forged), JWSAlgorithm.RS256, "k8s-1", k8sClaims(c -> { }));

        assertInvalidClient(post(k8sClient, token));
    }

    @Test
    void tokenRequestWhenSignedByTheOtherTrustedIssuersKeyThenInvalidClient() throws Exception {
        // The SPIFFE issuer's key, the Kubernetes issuer's claims: keys are the issuer's own only.
        String token = sign(new ECDSASigner(spiffeKey), JWSAlgorithm.ES256, "spiffe-1", k8sClaims(c -> { }));

        assertInvalidClient(post(k8sClient, token));
    }

    @Test
    void tokenRequestWhenTheOtherTrustedIssuerNamesTheSubjectThenInvalidClient() throws Exception {
        assertInvalidClient(post(k8sClient, spiffeToken(c -> c.subject(K8S_SUBJECT))));
    }

    @Test
    void tokenRequestWhenAlgNoneThenInvalidClient() throws Exception {
        assertInvalidClient(post(k8sClient, new PlainJWT(k8sClaims(c -> { })).serialize()));
    }

    @Test
    void tokenRequestWhenHs256KeyedWithThePublicKeyThenInvalidClient() throws Exception {
        byte[] publicKey = k8sKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        String token = sign(new MACSigner(java.util.Arrays.copyOf(publicKey, Math.max(32, publicKey.length))),
                JWSAlgorithm.HS256, "k8s-1", k8sClaims(c -> { }));

        assertInvalidClient(post(k8sClient, token));
    }

    @Test
    void tokenRequestWhenTheSameJtiAgainThenInvalidClient() throws Exception {
        String jti = UUID.randomUUID().toString();
        assertThat(post(k8sClient, k8sToken(c -> c.jwtID(jti))).statusCode()).isEqualTo(200);

        assertInvalidClient(post(k8sClient, k8sToken(c -> c.jwtID(jti))));
    }

    @Test
    void tokenRequestWhenATokenWithoutJtiIsSentTwiceThenTheSecondIsInvalidClient() throws Exception {
        String token = spiffeToken(c -> c.claim("nonce", UUID.randomUUID().toString()));
        assertThat(post(spiffeClient, token).statusCode()).isEqualTo(200);

        assertInvalidClient(post(spiffeClient, token));
    }

    @Test
    void tokenRequestWhenTheClientIdNamesAPrivateKeyJwtStyleAssertionThenInvalidClient() throws Exception {
        // iss = sub = client_id, signed by the issuer's key: not the bound (issuer, subject).
        String id = k8sClient.clientId().value();
        assertInvalidClient(post(k8sClient, k8sToken(c -> c.issuer(id).subject(id))));
    }

    @Test
    void tokenRequestWhenASecretClientSendsAPlatformTokenThenInvalidClient() throws Exception {
        assertInvalidClient(post(server.defaultClient().client(), k8sToken(c -> { })));
    }

    @Test
    void tokenRequestWhenTheClientIsDisabledThenInvalidClient() throws Exception {
        ClientCredential client = createClient(new FederatedIdentity(K8S_ISSUER, K8S_SUBJECT, Map.of()));
        server.app().adminOperations().clients().update(Actor.cli(TENANT), TENANT, client.clientId(),
                new dev.tollgate.core.admin.ClientUpdate(null, null, null, null, null, null, false));

        assertInvalidClient(post(client, k8sToken(c -> { })));
    }

    // ---------------------------------------------------------------- tokens

    private static Instant now() {
        return server == null ? Instant.now() : server.clock().instant();
    }

    /** A projected service-account token as the kubelet writes it (audience set to the tenant's issuer). */
    private static JWTClaimsSet k8sClaims(Consumer<JWTClaimsSet.Builder> change) {
        Instant now = now();
        Map<String, Object> kubernetes = new LinkedHashMap<>();
        kubernetes.put("namespace", "prod");
        kubernetes.put("pod", Map.of("name", "billing-7d4f8-x2k9q", "uid", UUID.randomUUID().toString()));
        kubernetes.put("serviceaccount", Map.of("name", "billing", "uid", UUID.randomUUID().toString()));
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(K8S_ISSUER).subject(K8S_SUBJECT).audience(List.of(server.issuer()))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                .jwtID(UUID.randomUUID().toString())
                .claim("kubernetes.io", kubernetes);
        change.accept(claims);
        return claims.build();
    }

    private static String k8sToken(Consumer<JWTClaimsSet.Builder> change) throws Exception {
        return sign(new RSASSASigner(k8sKey), JWSAlgorithm.RS256, "k8s-1", k8sClaims(change));
    }

    /** A JWT-SVID (SPIFFE JWT-SVID §3): sub the SPIFFE ID, aud required, exp required, no jti. */
    private static String spiffeToken(Consumer<JWTClaimsSet.Builder> change) throws Exception {
        Instant now = now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(spiffeIssuer).subject(SPIFFE_SUBJECT).audience(SPIFFE_AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
        change.accept(claims);
        return sign(new ECDSASigner(spiffeKey), JWSAlgorithm.ES256, "spiffe-1", claims.build());
    }

    private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static HttpResponse<String> post(ClientCredential client, String assertion) {
        Map<String, String> params = Map.of("grant_type", "client_credentials",
                "client_id", client.clientId().value(),
                "client_assertion_type", ClientAssertionVerifier.JWT_BEARER, "client_assertion", assertion);
        return server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(params.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&")))).build());
    }

    /** RFC 6749 §5.2: 401 and invalid_client, nothing about which rule failed. */
    private static void assertInvalidClient(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        Map<String, Object> body = JSONObjectUtils.parse(response.body());
        assertThat(body.get("error")).isEqualTo("invalid_client");
        assertThat(String.valueOf(body.get("error_description"))).doesNotContain("sub", "aud", "namespace", "jti");
    }
}
