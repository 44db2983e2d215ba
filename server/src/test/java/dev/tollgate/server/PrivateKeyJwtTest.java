package dev.tollgate.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.token.ClientAssertionVerifier;
import dev.tollgate.server.config.ClientKeyConfig;
import net.minidev.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * private_key_jwt over real HTTP on 127.0.0.1: the Nimbus SDK's client side ({@link PrivateKeyJWT},
 * {@code ClientCredentialsGrant}, {@code TokenRequest} sent with its {@code HTTPRequest}) gets tokens,
 * introspects and revokes; raw forms, as curl sends them, get RFC 6749 §5.2 {@code invalid_client}
 * with RFC wording for every broken RFC 7523 §3 rule, and nothing more in the body.
 */
class PrivateKeyJwtTest {

    private static final String JWT_BEARER = ClientAssertionVerifier.JWT_BEARER;

    private static TestServer server;
    private static HttpServer jwksHost;
    private static volatile JWKSet published;
    private static ECKey ecKey;
    private static RSAKey rsaKey;
    private static ClientCredential inlineClient;

    @BeforeAll
    static void start() throws Exception {
        ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        published = new JWKSet(ecKey.toPublicJWK());
        jwksHost = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksHost.createContext("/jwks", exchange -> {
            byte[] body = published.toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwksHost.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "/jwks");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        jwksHost.start();
        // jwks_uri on 127.0.0.1 needs the setting that allows private addresses (off by default).
        server = TestServer.embedded(b -> b.clientKeys(new ClientKeyConfig(ClientKeyConfig.DEFAULTS.assertions(),
                Duration.ofSeconds(2), 65_536, true)));
        inlineClient = createClient(ClientKeys.inline(List.of(ecKey.toPublicJWK(), rsaKey.toPublicJWK())), true);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (jwksHost != null) {
            jwksHost.stop(0);
        }
    }

    private static ClientCredential createClient(ClientKeys keys, boolean introspection) {
        ClientCredential template = server.defaultClient().client();
        return server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                new ClientSpec("key client " + UUID.randomUUID(), template.allowedScopes(), template.defaultScopes(),
                        null, null, null, introspection, ClientAuthMethod.PRIVATE_KEY_JWT, keys)).client();
    }

    // ---------------------------------------------------------------- the Nimbus SDK's client side

    @Test
    void tokenRequestWhenNimbusPrivateKeyJwtEs256ForTheIssuerThenIssued() throws Exception {
        PrivateKeyJWT auth = new PrivateKeyJWT(claims(inlineClient, server.issuer()), JWSAlgorithm.ES256,
                ecKey.toECPrivateKey(), "ec-1", null);

        String token = NimbusClient.accessToken(server.tokenEndpoint(), auth, null);

        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(inlineClient.clientId().value());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(inlineClient.clientId().value());
    }

    @Test
    void tokenRequestWhenNimbusPrivateKeyJwtRs256ForTheTokenEndpointThenIssued() throws Exception {
        PrivateKeyJWT auth = new PrivateKeyJWT(claims(inlineClient, server.tokenEndpoint().toString()),
                JWSAlgorithm.RS256, rsaKey.toRSAPrivateKey(), "rsa-1", null);

        assertThat(NimbusClient.request(server.tokenEndpoint(), auth, null).indicatesSuccess()).isTrue();
    }

    @Test
    void introspectionAndRevocationWhenPrivateKeyJwtThenAuthenticated() throws Exception {
        String token = NimbusClient.accessToken(server.tokenEndpoint(), nimbusAuth(inlineClient), null);
        URI introspect = URI.create(server.issuer() + "/oauth2/introspect");
        URI revoke = URI.create(server.issuer() + "/oauth2/revoke");

        TokenIntrospectionResponse before = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(introspect,
                nimbusAuth(inlineClient), new BearerAccessToken(token)).toHTTPRequest().send());
        assertThat(before.indicatesSuccess()).isTrue();
        assertThat(before.toSuccessResponse().isActive()).isTrue();

        var revoked = new TokenRevocationRequest(revoke, nimbusAuth(inlineClient), new BearerAccessToken(token))
                .toHTTPRequest().send();
        assertThat(revoked.getStatusCode()).isEqualTo(200);

        TokenIntrospectionResponse after = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(introspect,
                nimbusAuth(inlineClient), new BearerAccessToken(token)).toHTTPRequest().send());
        assertThat(after.toSuccessResponse().isActive()).isFalse();
    }

    @Test
    void introspectionWhenTheAssertionIsReplayedThenInvalidClient() throws Exception {
        String token = NimbusClient.accessToken(server.tokenEndpoint(), nimbusAuth(inlineClient), null);
        PrivateKeyJWT once = nimbusAuth(inlineClient);
        URI introspect = URI.create(server.issuer() + "/oauth2/introspect");
        assertThat(new TokenIntrospectionRequest(introspect, once, new BearerAccessToken(token)).toHTTPRequest().send()
                .getStatusCode()).isEqualTo(200);

        var again = new TokenIntrospectionRequest(introspect, once, new BearerAccessToken(token)).toHTTPRequest().send();

        assertThat(again.getStatusCode()).isEqualTo(401);
        assertThat(again.getBodyAsJSONObject().get("error")).isEqualTo("invalid_client");
    }

    @Test
    void metadataWhenFetchedThenPrivateKeyJwtAndItsAlgorithmsListedButNeitherClientSecretJwtNorHmac() throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                URI.create(server.issuer() + "/.well-known/oauth-authorization-server")).GET().build());
        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(response.body());

        assertThat(metadata.getTokenEndpointAuthMethods()).contains(ClientAuthenticationMethod.PRIVATE_KEY_JWT,
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC).doesNotContain(ClientAuthenticationMethod.CLIENT_SECRET_JWT);
        assertThat(metadata.getTokenEndpointJWSAlgs()).contains(JWSAlgorithm.ES256, JWSAlgorithm.RS256,
                JWSAlgorithm.PS256, JWSAlgorithm.EdDSA).doesNotContain(JWSAlgorithm.HS256);
        assertThat(metadata.getIntrospectionEndpointAuthMethods()).contains(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
    }

    // ---------------------------------------------------------------- raw forms, RFC 7523 §3 one rule each

    @Test
    void tokenRequestWhenRawFormWithAGoodAssertionThenIssued() {
        HttpResponse<String> response = post(assertion(c -> { }));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"access_token\"");
    }

    @Test
    void tokenRequestWhenAudienceIsAnotherServerThenInvalidClient() {
        assertInvalidClient(post(assertion(c -> c.audience("https://elsewhere.example/t/10001"))));
    }

    @Test
    void tokenRequestWhenExpiredThenInvalidClient() {
        assertInvalidClient(post(assertion(c -> c.expirationTime(Date.from(now().minusSeconds(120))))));
    }

    @Test
    void tokenRequestWhenNoExpThenInvalidClient() {
        assertInvalidClient(post(assertion(c -> c.expirationTime(null))));
    }

    @Test
    void tokenRequestWhenExpTooFarAheadThenInvalidClient() {
        assertInvalidClient(post(assertion(c -> c.expirationTime(Date.from(now().plus(Duration.ofHours(1)))))));
    }

    @Test
    void tokenRequestWhenIssuerDiffersFromSubjectThenInvalidClient() {
        assertInvalidClient(post(assertion(c -> c.issuer("someone-else"))));
    }

    @Test
    void tokenRequestWhenTheJtiIsReplayedThenInvalidClient() {
        String assertion = assertion(c -> { });
        assertThat(post(assertion).statusCode()).isEqualTo(200);

        assertInvalidClient(post(assertion));
    }

    @Test
    void tokenRequestWhenAlgNoneThenInvalidClient() {
        assertInvalidClient(post(new PlainJWT(claimsBuilder(inlineClient, c -> { }).build()).serialize()));
    }

    @Test
    void tokenRequestWhenHs256KeyedWithThePublicKeyThenInvalidClient() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("ec-1").build(),
                claimsBuilder(inlineClient, c -> { }).build());
        jwt.sign(new MACSigner(ecKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));

        assertInvalidClient(post(jwt.serialize()));
    }

    @Test
    void tokenRequestWhenUnknownKidThenInvalidClient() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("not-registered").generate();

        assertInvalidClient(post(sign(stranger, claimsBuilder(inlineClient, c -> { }).build())));
    }

    @Test
    void tokenRequestWhenTheRightKidButAnotherKeyThenInvalidClient() throws Exception {
        ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();

        assertInvalidClient(post(sign(impostor, claimsBuilder(inlineClient, c -> { }).build())));
    }

    @Test
    void tokenRequestWhenTheAssertionTypeIsWrongThenInvalidClient() {
        assertInvalidClient(postForm(Map.of("grant_type", "client_credentials",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
                "client_assertion", assertion(c -> { }))));
    }

    @Test
    void tokenRequestWhenClientIdNamesAnotherClientThenInvalidClient() {
        assertInvalidClient(postForm(Map.of("grant_type", "client_credentials", "client_id",
                server.defaultClient().client().clientId().value(), "client_assertion_type", JWT_BEARER,
                "client_assertion", assertion(c -> { }))));
    }

    @Test
    void tokenRequestWhenAssertionAndBasicAtOnceThenInvalidRequest() {
        String basic = Base64.getEncoder().encodeToString((inlineClient.clientId().value() + ":x")
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "client_credentials",
                        "client_assertion_type", JWT_BEARER, "client_assertion", assertion(c -> { })))))
                .build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"invalid_request\"");
    }

    @Test
    void tokenRequestWhenAKeyClientSendsASecretThenInvalidClient() {
        assertInvalidClient(postForm(Map.of("grant_type", "client_credentials",
                "client_id", inlineClient.clientId().value(), "client_secret", "anything")));
    }

    @Test
    void tokenRequestWhenASecretClientSendsAnAssertionThenInvalidClient() throws Exception {
        ClientCredential secretClient = server.defaultClient().client();

        assertInvalidClient(post(sign(ecKey, claimsBuilder(secretClient, c -> { }).build())));
    }

    // ---------------------------------------------------------------- jwks_uri

    @Test
    void tokenRequestWhenJwksUriAndTheClientRotatesThenTheNewKeyIsFetchedAndWorks() throws Exception {
        ClientCredential remote = createClient(ClientKeys.remote(jwksUri("/jwks")), false);
        assertThat(post(sign(ecKey, claimsBuilder(remote, c -> { }).build())).statusCode()).isEqualTo(200);
        ECKey next = new ECKeyGenerator(Curve.P_256).keyID("ec-2").generate();
        published = new JWKSet(List.of(ecKey.toPublicJWK(), next.toPublicJWK()));
        server.clock().advance(ClientKeyConfig.DEFAULTS.assertions().jwksRefetchEvery());

        HttpResponse<String> response = post(sign(next, claimsBuilder(remote, c -> { }).build()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void tokenRequestWhenTheJwksUriRedirectsThenNotFollowedAndInvalidClient() throws Exception {
        ClientCredential remote = createClient(ClientKeys.remote(jwksUri("/moved")), false);

        assertInvalidClient(post(sign(ecKey, claimsBuilder(remote, c -> { }).build())));
    }

    // ---------------------------------------------------------------- helpers

    private static URI jwksUri(String path) {
        return URI.create("http://127.0.0.1:" + jwksHost.getAddress().getPort() + path);
    }

    private static Instant now() {
        return server.clock().instant();
    }

    private static JWTAuthenticationClaimsSet claims(ClientCredential client, String audience) {
        Instant now = now();
        return new JWTAuthenticationClaimsSet(new ClientID(client.clientId().value()), List.of(new Audience(audience)),
                Date.from(now.plusSeconds(60)), null, Date.from(now), new JWTID());
    }

    private static PrivateKeyJWT nimbusAuth(ClientCredential client) {
        try {
            return new PrivateKeyJWT(claims(client, server.issuer()), JWSAlgorithm.ES256, ecKey.toECPrivateKey(),
                    "ec-1", null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JWTClaimsSet.Builder claimsBuilder(ClientCredential client, Consumer<JWTClaimsSet.Builder> change) {
        Instant now = now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(client.clientId().value())
                .subject(client.clientId().value()).audience(server.issuer()).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60))).jwtID(UUID.randomUUID().toString());
        change.accept(builder);
        return builder;
    }

    private static String assertion(Consumer<JWTClaimsSet.Builder> change) {
        try {
            return sign(ecKey, claimsBuilder(inlineClient, change).build());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String sign(ECKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static HttpResponse<String> post(String assertion) {
        return postForm(Map.of("grant_type", "client_credentials", "client_assertion_type", JWT_BEARER,
                "client_assertion", assertion));
    }

    private static HttpResponse<String> postForm(Map<String, String> params) {
        return server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(params))).build());
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** RFC 6749 §5.2: 401, invalid_client, a WWW-Authenticate challenge, and no word about which rule failed. */
    private static void assertInvalidClient(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        JSONObject body;
        try {
            body = com.nimbusds.jose.util.JSONObjectUtils.parse(response.body()) instanceof Map<?, ?> m
                    ? new JSONObject((Map<String, ?>) m) : null;
        } catch (java.text.ParseException e) {
            throw new UncheckedIOException(new IOException(e));
        }
        assertThat(body).isNotNull();
        assertThat(body.get("error")).isEqualTo("invalid_client");
        assertThat(String.valueOf(body.get("error_description"))).doesNotContain("aud", "exp", "jti", "kid", "alg", "iss");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    }
}
