package dev.tollgate.server;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.client.TokenClient;
import dev.tollgate.client.TokenRequestException;
import dev.tollgate.client.TokenScope;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.federation.FederatedIdentity;
import dev.tollgate.core.federation.TrustedIssuer;
import dev.tollgate.server.config.ClientKeyConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client library without a secret, against a real server on 127.0.0.1: private_key_jwt with a
 * PEM or JWK key file (a fresh assertion per token request, so a second request after renewal is
 * not refused as a replay), and workload identity federation reading the platform's token file
 * on every renewal.
 */
class ClientLibraryWithoutSecretTest {

    private static final String K8S_ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final String SUBJECT = "system:serviceaccount:prod:reporting";

    private static TestServer server;
    private static HttpServer issuerHost;
    private static RSAKey issuerKey;
    private static ClientCredential federated;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        issuerKey = new RSAKeyGenerator(2048).keyID("cluster-1").generate();
        issuerHost = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JWKSet(issuerKey.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
        issuerHost.createContext("/openid/v1/jwks", exchange -> {
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        issuerHost.start();
        server = TestServer.embedded(b -> b.clientKeys(new ClientKeyConfig(ClientKeyConfig.DEFAULTS.assertions(),
                Duration.ofSeconds(2), 65_536, true)));
        server.app().adminOperations().federation().addIssuer(Actor.cli(TENANT), TENANT, new TrustedIssuer(K8S_ISSUER,
                URI.create("http://127.0.0.1:" + issuerHost.getAddress().getPort() + "/openid/v1/jwks"),
                Set.of(JWSAlgorithm.RS256), null, null, server.clock().instant()));
        federated = create(ClientAuthMethod.FEDERATED_JWT, null);
        server.app().adminOperations().federation().bind(Actor.cli(TENANT), TENANT, federated.clientId(),
                new FederatedIdentity(K8S_ISSUER, SUBJECT, Map.of("kubernetes.io/namespace", "prod")));
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

    private static ClientCredential create(ClientAuthMethod method, ClientKeys keys) {
        ClientCredential template = server.defaultClient().client();
        return server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                new ClientSpec("library " + UUID.randomUUID(), template.allowedScopes(), template.defaultScopes(),
                        null, null, null, false, method, keys)).client();
    }

    @Test
    void accessTokenWhenPrivateKeyFromAPemFileAndRenewedThenEachRequestSignsAFreshAssertion() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("pem-1").generate();
        // A PEM has no kid: the assertion goes without one, and the client's single key verifies it.
        ClientCredential client = create(ClientAuthMethod.PRIVATE_KEY_JWT, ClientKeys.inline(List.of(key.toPublicJWK())));
        Path pem = dir.resolve("client-key.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(key.toPrivateKey().getEncoded()) + "\n-----END PRIVATE KEY-----\n");

        try (TokenClient tokens = TokenClient.builder().tokenEndpoint(server.tokenEndpoint())
                .clientId(client.clientId().value()).privateKey(pem).clock(server.clock()).build()) {
            String first = tokens.accessToken();
            tokens.invalidate(TokenScope.defaults(), first);
            String second = tokens.accessToken();

            assertThat(second).isNotEqualTo(first);
            assertThat(SignedJWT.parse(second).getJWTClaimsSet().getSubject()).isEqualTo(client.clientId().value());
        }
    }

    @Test
    void accessTokenWhenPrivateKeyFromAJwkFileThenItsKidSelectsTheKey() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("lib-rsa").generate();
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("lib-ec").generate();
        ClientCredential client = create(ClientAuthMethod.PRIVATE_KEY_JWT,
                ClientKeys.inline(List.of(key.toPublicJWK(), other.toPublicJWK())));
        Path jwk = dir.resolve("client-key.json");
        Files.writeString(jwk, key.toJSONString());

        try (TokenClient tokens = TokenClient.builder().tokenEndpoint(server.tokenEndpoint())
                .clientId(client.clientId().value()).privateKey(jwk).clock(server.clock()).build()) {
            assertThat(SignedJWT.parse(tokens.accessToken()).getJWTClaimsSet().getSubject())
                    .isEqualTo(client.clientId().value());
        }
    }

    @Test
    void accessTokenWhenTheTokenFileIsReplacedBeforeRenewalThenTheNewTokenIsSent() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, platformToken());

        try (TokenClient tokens = TokenClient.builder().tokenEndpoint(server.tokenEndpoint())
                .clientId(federated.clientId().value()).tokenFile(tokenFile).clock(server.clock()).build()) {
            String first = tokens.accessToken();
            // The kubelet rotates the projected token; the next renewal must read the new one.
            Files.writeString(tokenFile, platformToken());
            tokens.invalidate(TokenScope.defaults(), first);
            String second = tokens.accessToken();

            assertThat(SignedJWT.parse(second).getJWTClaimsSet().getSubject()).isEqualTo(federated.clientId().value());
            assertThat(second).isNotEqualTo(first);
        }
    }

    @Test
    void accessTokenWhenTheTokenFileStillHoldsTheUsedTokenThenInvalidClient() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, platformToken());

        try (TokenClient tokens = TokenClient.builder().tokenEndpoint(server.tokenEndpoint())
                .clientId(federated.clientId().value()).tokenFile(tokenFile).clock(server.clock()).build()) {
            String first = tokens.accessToken();
            tokens.invalidate(TokenScope.defaults(), first);

            // Single use at the server: the same platform token can't be exchanged twice.
            assertThatThrownBy(tokens::accessToken).isInstanceOf(TokenRequestException.class)
                    .hasMessageContaining("invalid_client");
        }
    }

    @Test
    void buildWhenBothASecretAndATokenFileThenRefused() {
        assertThatThrownBy(() -> TokenClient.builder().tokenEndpoint(server.tokenEndpoint()).clientId("c")
                .clientSecret("s").tokenFile(dir.resolve("token")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one of");
    }

    private static String platformToken() throws Exception {
        Instant now = server.clock().instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(K8S_ISSUER).subject(SUBJECT)
                .audience(server.issuer()).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString())
                .claim("kubernetes.io", Map.of("namespace", "prod", "serviceaccount", Map.of("name", "reporting")))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("cluster-1")
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(issuerKey));
        return jwt.serialize();
    }
}
