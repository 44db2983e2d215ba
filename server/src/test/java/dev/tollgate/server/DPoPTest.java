package dev.tollgate.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.client.TokenClient;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.scope.ScopeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP (RFC 9449, issue 15) over real HTTP on 127.0.0.1: proofs made by the Nimbus SDK's
 * {@code DefaultDPoPProofFactory} get DPoP-bound tokens; every §4.3 check has a hand-made proof
 * that fails it; the users API and the admin API take bound tokens only with their key's proof;
 * nonces (§8, §9); the client library's DPoP mode end to end.
 *
 * <p>The server's clock is a {@code TestClock} standing still, and proofs carry the real time:
 * each request first sets the server's clock to now ({@link #sync}), so the iat window is exact.
 */
class DPoPTest {

    private TestServer server;
    private final DPoPProofMaker proofs = new DPoPProofMaker();

    @BeforeEach
    void startServer() {
        server = TestServer.embedded();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    // ---------------------------------------------------------------- token endpoint

    @Test
    void tokenRequestWhenNimbusProofThenDpopTokenBoundToTheProofKey() throws Exception {
        HttpResponse<String> response = tokenRequest(server.defaultClient(),
                proofs.nimbus("POST", server.tokenEndpoint(), null, null));

        assertThat(response.statusCode()).isEqualTo(200);
        // Parsed as a third-party client does: the SDK makes a DPoPAccessToken of token_type DPoP.
        TokenResponse parsed = TokenResponse.parse(nimbus(response));
        assertThat(parsed.toSuccessResponse().getTokens().getAccessToken().getType()).isEqualTo(AccessTokenType.DPOP);
        String token = (String) JSONObjectUtils.parse(response.body()).get("access_token");
        assertThat(jkt(token)).isEqualTo(proofs.thumbprint());
    }

    @Test
    void tokenRequestWhenNoProofThenBearerTokenWithoutCnfAsBefore() throws Exception {
        HttpResponse<String> response = tokenRequest(server.defaultClient());

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> body = JSONObjectUtils.parse(response.body());
        assertThat(body).containsEntry("token_type", "Bearer");
        assertThat(SignedJWT.parse((String) body.get("access_token")).getJWTClaimsSet().getClaim("cnf")).isNull();
    }

    /** A proof that fails one check of RFC 9449 §4.3 each. */
    enum Hostile {
        TWO_HEADERS, NOT_A_JWT, ALG_NONE, HS256_WITH_THE_PUBLIC_KEY, PRIVATE_KEY_IN_JWK, SIGNED_BY_ANOTHER_KEY,
        TYP_JWT, NO_JWK, WRONG_HTM, OTHER_HTU, IAT_AN_HOUR_OLD, IAT_AN_HOUR_AHEAD, NO_JTI
    }

    @ParameterizedTest
    @EnumSource(Hostile.class)
    void tokenRequestWhenProofIsHostileThenInvalidDpopProofAndNoToken(Hostile hostile) throws Exception {
        HttpResponse<String> response = tokenRequest(server.defaultClient(), hostile(hostile));

        assertThat(response.statusCode()).isEqualTo(400);
        Map<String, Object> body = JSONObjectUtils.parse(response.body());
        assertThat(body).containsEntry("error", "invalid_dpop_proof").doesNotContainKey("access_token");
    }

    @Test
    void tokenRequestWhenProofReplayedThenSecondRefusedInvalidDpopProof() throws Exception {
        String proof = proofs.nimbus("POST", server.tokenEndpoint(), null, null);

        assertThat(tokenRequest(server.defaultClient(), proof).statusCode()).isEqualTo(200);
        HttpResponse<String> replayed = tokenRequest(server.defaultClient(), proof);

        assertThat(replayed.statusCode()).isEqualTo(400);
        assertThat(JSONObjectUtils.parse(replayed.body())).containsEntry("error", "invalid_dpop_proof")
                .containsEntry("error_description", "DPoP proof jti was used before");
    }

    @Test
    void tokenRequestWhenHtuDiffersOnlyByNormalisationThenAccepted() throws Exception {
        // RFC 9449 §4.3 item 9: scheme and host without case, query ignored (RFC 3986 §6.2.2).
        String htu = server.tokenEndpoint().toString().replace("http://127.0.0.1", "HTTP://127.0.0.1") + "?ignored=1";
        Map<String, Object> claims = DPoPProofMaker.claims("POST", htu, Instant.now());

        assertThat(tokenRequest(server.defaultClient(), proofs.signed(proofs.header(), claims)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void tokenRequestWhenClientRequiresDpopAndNoProofThenInvalidDpopProofAndWithProofThenDpopToken()
            throws Exception {
        ClientWithSecret bound = server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                new ClientSpec("bound", ScopeSet.of("users:read"), null, null, null, null, false, true));

        HttpResponse<String> without = tokenRequest(bound);
        HttpResponse<String> with = tokenRequest(bound, proofs.nimbus("POST", server.tokenEndpoint(), null, null));

        assertThat(without.statusCode()).isEqualTo(400);
        assertThat(JSONObjectUtils.parse(without.body())).containsEntry("error", "invalid_dpop_proof");
        assertThat(with.statusCode()).isEqualTo(200);
        assertThat(JSONObjectUtils.parse(with.body())).containsEntry("token_type", "DPoP");
    }

    @Test
    void tokenRequestWhenTenantRequiresNoncesThenUseDpopNonceThenTheNonceIsAccepted() throws Exception {
        requireNonces();

        HttpResponse<String> first = tokenRequest(server.defaultClient(),
                proofs.nimbus("POST", server.tokenEndpoint(), null, null));
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
        HttpResponse<String> madeUp = tokenRequest(server.defaultClient(),
                proofs.nimbus("POST", server.tokenEndpoint(), null, "1.AAAAAAAAAAAAAAAAAAAAAA"));
        HttpResponse<String> retried = tokenRequest(server.defaultClient(),
                proofs.nimbus("POST", server.tokenEndpoint(), null, nonce));

        assertThat(first.statusCode()).isEqualTo(400);
        assertThat(JSONObjectUtils.parse(first.body())).containsEntry("error", "use_dpop_nonce");
        assertThat(madeUp.statusCode()).isEqualTo(400);
        assertThat(JSONObjectUtils.parse(madeUp.body())).containsEntry("error", "use_dpop_nonce");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(JSONObjectUtils.parse(retried.body())).containsEntry("token_type", "DPoP");
    }

    @Test
    void metadataWhenFetchedThenAdvertisesDpopSigningAlgorithms() throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                URI.create(server.issuer() + "/.well-known/oauth-authorization-server")).GET().build());

        assertThat(JSONObjectUtils.parse(response.body()).get("dpop_signing_alg_values_supported"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains("ES256", "PS256", "RS256")
                .doesNotContain("HS256", "none");
    }

    @Test
    void introspectionWhenDpopBoundTokenThenTokenTypeDpopAndCnf() throws Exception {
        String token = boundToken();

        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                        URI.create(server.issuer() + "/oauth2/introspect"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic(server.microserviceClient()))
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build());

        Map<String, Object> body = JSONObjectUtils.parse(response.body());
        assertThat(body).containsEntry("active", true).containsEntry("token_type", "DPoP");
        assertThat(body.get("cnf")).isEqualTo(Map.of("jkt", proofs.thumbprint()));
    }

    // ---------------------------------------------------------------- users API and admin API

    @Test
    void usersApiWhenBoundTokenWithItsProofThenServedAndAsBearerThenRefusedWithDpopChallenge() {
        String token = boundToken();
        URI users = usersUri();

        HttpResponse<String> withProof = usersGet("DPoP " + token, proofs.nimbus("GET", users, token, null));
        HttpResponse<String> asBearer = usersGet("Bearer " + token);

        assertThat(withProof.statusCode()).isEqualTo(200);
        assertThat(asBearer.statusCode()).isEqualTo(401);
        assertThat(asBearer.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("DPoP realm=\"users-api\", error=\"invalid_token\"").contains("algs=\"").contains("ES256");
    }

    @Test
    void usersApiWhenBoundTokenWithoutProofOrWithAWrongOneThenRefused() {
        String token = boundToken();
        URI users = usersUri();
        DPoPProofMaker otherKey = new DPoPProofMaker();

        Map<String, HttpResponse<String>> answers = Map.of(
                "no proof", usersGet("DPoP " + token),
                "proof for another URL", usersGet("DPoP " + token,
                        proofs.nimbus("GET", URI.create(server.issuer() + "/api/v1/users/other"), token, null)),
                "proof for another method", usersGet("DPoP " + token, proofs.nimbus("POST", users, token, null)),
                "proof with another key", usersGet("DPoP " + token, otherKey.nimbus("GET", users, token, null)),
                "ath of another token", usersGet("DPoP " + token, proofs.nimbus("GET", users, token + "x", null)),
                "no ath", usersGet("DPoP " + token, proofs.nimbus("GET", users, null, null)));

        answers.forEach((what, response) -> {
            assertThat(response.statusCode()).as(what).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).as(what)
                    .startsWith("DPoP realm=\"users-api\", error=").contains("algs=");
        });
        assertThat(answers.get("proof with another key").headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"invalid_token\"");
        assertThat(answers.get("no proof").headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"invalid_dpop_proof\"");
    }

    @Test
    void usersApiWhenProofReplayedThenSecondRefused() {
        String token = boundToken();
        String proof = proofs.nimbus("GET", usersUri(), token, null);

        assertThat(usersGet("DPoP " + token, proof).statusCode()).isEqualTo(200);
        HttpResponse<String> replayed = usersGet("DPoP " + token, proof);

        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(replayed.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"invalid_dpop_proof\"");
    }

    @Test
    void usersApiWhenTenantRequiresNoncesThenUseDpopNonceWithNonceHeaderThenServed() {
        String token = boundToken();
        requireNonces();

        HttpResponse<String> first = usersGet("DPoP " + token, proofs.nimbus("GET", usersUri(), token, null));
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
        HttpResponse<String> retried = usersGet("DPoP " + token, proofs.nimbus("GET", usersUri(), token, nonce));

        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(first.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"use_dpop_nonce\"");
        assertThat(retried.statusCode()).isEqualTo(200);
    }

    @Test
    void usersApiWhenUnboundBearerTokenThenServedAsBefore() {
        String token = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()),
                null);

        assertThat(usersGet("Bearer " + token).statusCode()).isEqualTo(200);
    }

    @Test
    void adminApiWhenBoundTokenWithItsProofThenServedAndAsBearerThenRefused() {
        ClientWithSecret admin = server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                ClientSpec.named("admin automation", ScopeSet.of("admin:manage_client_credentials")));
        String token = boundToken(admin);
        URI clients = URI.create(server.issuer() + "/admin/api/v1/clients");

        sync();
        HttpResponse<String> withProof = server.send(HttpRequest.newBuilder(clients).GET()
                .header("Authorization", "DPoP " + token).header("DPoP", proofs.nimbus("GET", clients, token, null))
                .build());
        HttpResponse<String> asBearer = server.send(HttpRequest.newBuilder(clients).GET()
                .header("Authorization", "Bearer " + token).build());

        assertThat(withProof.statusCode()).isEqualTo(200);
        assertThat(asBearer.statusCode()).isEqualTo(401);
        assertThat(asBearer.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("DPoP ");
    }

    @Test
    void adminApiWhenClientCreatedWithDpopRequirementAndSettingsPatchedThenStoredAndBadValuesRefused()
            throws Exception {
        ClientWithSecret admin = server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                ClientSpec.named("tenant admin automation", ScopeSet.of(java.util.Arrays.stream(
                        dev.tollgate.core.admin.Capability.values()).map(c -> c.scope().value()).toArray(String[]::new))));
        String token = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(admin), null);
        String api = server.issuer() + "/admin/api/v1";

        HttpResponse<String> created = adminSend(token, "POST", api + "/clients",
                "{\"name\":\"bound\",\"allowed_scopes\":[\"users:read\"],\"dpop_bound_access_tokens\":true}");
        HttpResponse<String> notABoolean = adminSend(token, "POST", api + "/clients",
                "{\"name\":\"bad\",\"dpop_bound_access_tokens\":\"yes\"}");
        HttpResponse<String> patched = adminSend(token, "PATCH", api + "/settings", "{\"dpop_nonces\":true}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSONObjectUtils.parse(created.body())).containsEntry("dpop_bound_access_tokens", true);
        String id = (String) JSONObjectUtils.parse(created.body()).get("client_id");
        assertThat(server.app().directory().client(TENANT, new dev.tollgate.core.client.ClientId(id))
                .orElseThrow().dpopBound()).isTrue();
        assertThat(notABoolean.statusCode()).isEqualTo(400);
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(JSONObjectUtils.parse(patched.body())).containsEntry("dpop_nonces", true);
        assertThat(server.app().directory().tenant(TENANT).orElseThrow().settings().dpopNonces()).isTrue();
    }

    private HttpResponse<String> adminSend(String token, String method, String uri, String json) {
        return server.send(HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + token)
                .header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build());
    }

    // ---------------------------------------------------------------- client library

    @Test
    void clientLibraryWhenDpopModeThenBoundTokenAndApiCallsWorkAlsoWithNonces() throws Exception {
        ClientWithSecret client = server.defaultClient();
        try (TokenClient tokens = TokenClient.builder().tokenEndpoint(server.tokenEndpoint())
                .clientId(client.client().clientId().value()).clientSecret(client.secret().reveal())
                .dpop().build()) {
            sync();
            String token = tokens.accessToken();
            assertThat(jkt(token)).isEqualTo(tokens.dpopKeyThumbprint());
            sync();
            assertThat(tokens.send(HttpRequest.newBuilder(usersUri()).GET(), HttpResponse.BodyHandlers.ofString(),
                    dev.tollgate.client.TokenScope.defaults()).statusCode()).isEqualTo(200);

            requireNonces();
            // Both the API call and, after invalidation, the token request meet use_dpop_nonce once.
            sync();
            assertThat(tokens.send(HttpRequest.newBuilder(usersUri()).GET(), HttpResponse.BodyHandlers.ofString(),
                    dev.tollgate.client.TokenScope.defaults()).statusCode()).isEqualTo(200);
            tokens.invalidate(dev.tollgate.client.TokenScope.defaults(), token);
            sync();
            assertThat(jkt(tokens.accessToken())).isEqualTo(tokens.dpopKeyThumbprint());
        }
    }

    // ---------------------------------------------------------------- helpers

    private String[] hostile(Hostile hostile) {
        String uri = server.tokenEndpoint().toString();
        Instant now = Instant.now();
        Map<String, Object> header = proofs.header();
        Map<String, Object> claims = DPoPProofMaker.claims("POST", uri, now);
        switch (hostile) {
            case TWO_HEADERS -> {
                return new String[] {proofs.signed(header, claims),
                        proofs.signed(header, DPoPProofMaker.claims("POST", uri, now))};
            }
            case NOT_A_JWT -> {
                return new String[] {"not-a-jwt"};
            }
            case ALG_NONE -> {
                header.put("alg", "none");
                return new String[] {DPoPProofMaker.unsigned(header, claims)};
            }
            case HS256_WITH_THE_PUBLIC_KEY -> {
                header.put("alg", "HS256");
                byte[] secret = proofs.key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
                return new String[] {DPoPProofMaker.hmac(header, claims, secret)};
            }
            case PRIVATE_KEY_IN_JWK -> header.put("jwk", proofs.key.toJSONObject());
            case SIGNED_BY_ANOTHER_KEY -> {
                return new String[] {new DPoPProofMaker().signed(header, claims)};
            }
            case TYP_JWT -> header.put("typ", "JWT");
            case NO_JWK -> header.remove("jwk");
            case WRONG_HTM -> claims.put("htm", "GET");
            case OTHER_HTU -> claims.put("htu", server.issuer() + "/oauth2/introspect");
            case IAT_AN_HOUR_OLD -> claims.put("iat", now.minus(Duration.ofHours(1)).getEpochSecond());
            case IAT_AN_HOUR_AHEAD -> claims.put("iat", now.plus(Duration.ofHours(1)).getEpochSecond());
            case NO_JTI -> claims.remove("jti");
        }
        return new String[] {proofs.signed(header, claims)};
    }

    /** A DPoP-bound token of the default client, bound to {@link #proofs}' key. */
    private String boundToken() {
        return boundToken(server.defaultClient());
    }

    private String boundToken(ClientWithSecret client) {
        try {
            HttpResponse<String> response = tokenRequest(client,
                    proofs.nimbus("POST", server.tokenEndpoint(), null, null));
            assertThat(response.statusCode()).isEqualTo(200);
            return (String) JSONObjectUtils.parse(response.body()).get("access_token");
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    private void requireNonces() {
        server.app().adminOperations().tenants().updateSettings(Actor.cli(TENANT), TENANT,
                settings -> settings.withDpopNonces(true));
    }

    private URI usersUri() {
        return URI.create(server.issuer() + "/api/v1/users");
    }

    private HttpResponse<String> usersGet(String authorization, String... proofHeaders) {
        sync();
        HttpRequest.Builder request = HttpRequest.newBuilder(usersUri()).GET().header("Authorization", authorization);
        for (String proof : proofHeaders) {
            request.header("DPoP", proof);
        }
        return server.send(request.build());
    }

    private HttpResponse<String> tokenRequest(ClientWithSecret client, String... proofHeaders) {
        sync();
        HttpRequest.Builder request = HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic(client))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
        for (String proof : proofHeaders) {
            request.header("DPoP", proof);
        }
        return server.send(request.build());
    }

    /** Proofs carry the real time; the server's standing test clock is moved to it before each request. */
    private void sync() {
        server.clock().set(Instant.now());
    }

    private static String basic(ClientWithSecret client) {
        String pair = URLEncoder.encode(client.client().clientId().value(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(client.secret().reveal(), StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String jkt(String token) throws java.text.ParseException {
        return (String) SignedJWT.parse(token).getJWTClaimsSet().getJSONObjectClaim("cnf").get("jkt");
    }

    private static HTTPResponse nimbus(HttpResponse<String> response) throws com.nimbusds.oauth2.sdk.ParseException {
        HTTPResponse nimbus = new HTTPResponse(response.statusCode());
        nimbus.setContentType(response.headers().firstValue("Content-Type").orElse(null));
        nimbus.setBody(response.body());
        return nimbus;
    }
}
