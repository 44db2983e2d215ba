package dev.tollgate.server;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientUpdate;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 7662 introspection and RFC 7009 revocation over real HTTP, with the Nimbus SDK's client side,
 * on both stores: revoking makes a token inactive and leaves every other token alone, client-wide
 * revocation ends every earlier token of that client, and all of it survives a restart.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Kind.class)
class IntrospectionRevocationTest {

    @Parameter
    TestServer.Kind kind;

    private TestServer server;
    private ClientWithSecret client;
    private ClientWithSecret microservice;

    @BeforeEach
    void startServer() {
        server = TestServer.start(kind);
        client = server.defaultClient();
        microservice = server.microserviceClient();
        server.letDefaultClientIntrospect();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    // ---------------------------------------------------------------- end to end

    @Test
    void introspectionWhenTokenRevokedThenInactiveWhileOtherTokensOfTheClientAndOfOtherClientsStayActive() throws Exception {
        String token = token(client);
        String sibling = token(client);
        String othersToken = token(microservice);
        SignedJWT jwt = SignedJWT.parse(token);

        TokenIntrospectionSuccessResponse active = introspect(microservice, token);
        assertThat(active.isActive()).isTrue();
        assertThat(active.getClientID().getValue()).isEqualTo(client.client().clientId().value());
        assertThat(active.getSubject().getValue()).isEqualTo(client.client().clientId().value());
        assertThat(active.getScope().toString()).isEqualTo(jwt.getJWTClaimsSet().getStringClaim("scope"));
        assertThat(active.getTokenType()).isEqualTo(AccessTokenType.BEARER);
        assertThat(active.getExpirationTime()).isEqualTo(jwt.getJWTClaimsSet().getExpirationTime());
        assertThat(active.getIssueTime()).isEqualTo(jwt.getJWTClaimsSet().getIssueTime());
        assertThat(active.getNotBeforeTime()).isEqualTo(jwt.getJWTClaimsSet().getNotBeforeTime());
        assertThat(active.getIssuer().getValue()).isEqualTo(server.issuer());
        assertThat(active.getAudience()).extracting(a -> a.getValue())
                .containsExactlyElementsOf(jwt.getJWTClaimsSet().getAudience());
        assertThat(active.getJWTID().getValue()).isEqualTo(jwt.getJWTClaimsSet().getJWTID());

        assertThat(revoke(client, token).getStatusCode()).isEqualTo(200);

        assertThat(introspect(microservice, token).isActive()).isFalse();
        assertThat(introspect(client, token).toJSONObject()).containsOnlyKeys("active");
        assertThat(introspect(microservice, sibling).isActive()).isTrue();
        assertThat(introspect(client, othersToken).isActive()).isTrue();
        assertThat(server.app().revocations().isRevoked(TENANT, client.client().clientId(),
                jwt.getJWTClaimsSet().getJWTID(), jwt.getJWTClaimsSet().getIssueTime().toInstant())).isTrue();
    }

    @Test
    void revocationWhenTheSameTokenTwiceThenOkBothTimes() {
        String token = token(client);

        assertThat(revoke(client, token).getStatusCode()).isEqualTo(200);
        assertThat(revoke(client, token).getStatusCode()).isEqualTo(200);

        assertThat(introspect(client, token).isActive()).isFalse();
    }

    @Test
    void revocationWhenAnotherClientsTokenThenOkAndNothingChanges() {
        String token = token(client);

        HTTPResponse response = revoke(microservice, token);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).isNullOrEmpty();
        assertThat(introspect(client, token).isActive()).isTrue();
    }

    @Test
    void revocationWhenGarbageOrARefreshTokenHintThenOk() {
        String token = token(client);

        assertThat(postForm(revokeEndpoint(), basic(client), "token=garbage").statusCode()).isEqualTo(200);
        assertThat(postForm(revokeEndpoint(), basic(client), "token=garbage&token_type_hint=refresh_token")
                .statusCode()).isEqualTo(200);
        assertThat(postForm(revokeEndpoint(), basic(client), "token=" + token + "&token_type_hint=refresh_token")
                .statusCode()).isEqualTo(200);

        // The hint is only a hint (RFC 7009 §2.1): the access token was found and revoked anyway.
        assertThat(introspect(client, token).isActive()).isFalse();
    }

    @Test
    void clientWideRevocationWhenDoneThenEveryEarlierTokenInactiveAndLaterTokensAndOtherClientsActive() {
        String first = token(client);
        String second = token(client);
        String othersToken = token(microservice);

        server.app().revocations().revokeAllTokens(TENANT, client.client().clientId());

        assertThat(introspect(microservice, first).isActive()).isFalse();
        assertThat(introspect(microservice, second).isActive()).isFalse();
        assertThat(introspect(client, othersToken).isActive()).isTrue();
        // iat is in whole seconds: the client's tokens work again from the next second on.
        server.clock().advance(Duration.ofSeconds(1));
        String after = token(client);
        assertThat(introspect(microservice, after).isActive()).isTrue();
    }

    @Test
    void introspectionWhenTheTokensClientIsDisabledThenInactiveAtOnceAndStaysSoAfterReEnabling() {
        String old = token(client);
        String othersToken = token(microservice);
        ClientUpdate enabled = new ClientUpdate(null, null, null, null, null, null, true);
        ClientUpdate disabled = new ClientUpdate(null, null, null, null, null, null, false);

        server.app().adminOperations().clients().update(Actor.cli(TENANT), TENANT, client.client().clientId(), disabled);

        assertThat(introspect(microservice, old).isActive()).isFalse();
        assertThat(introspect(microservice, othersToken).isActive()).isTrue();
        server.app().adminOperations().clients().update(Actor.cli(TENANT), TENANT, client.client().clientId(), enabled);
        server.clock().advance(Duration.ofSeconds(1));
        assertThat(introspect(microservice, old).isActive()).isFalse();
        assertThat(introspect(microservice, token(client)).isActive()).isTrue();
    }

    @Test
    void introspectionWhenTheTokensClientIsDeletedThenInactiveAtOnceAndAfterARestart() {
        ClientWithSecret doomed = server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                ClientSpec.named("Doomed", ScopeSet.of("users:read")));
        String token = token(doomed);
        assertThat(introspect(microservice, token).isActive()).isTrue();

        server.app().adminOperations().clients().delete(Actor.cli(TENANT), TENANT, doomed.client().clientId());

        assertThat(introspect(microservice, token).isActive()).isFalse();
        assertThat(server.app().store().revocations().listCutoffs(server.clock().instant()))
                .extracting(c -> c.client()).contains(doomed.client().clientId());
        server.restart();
        assertThat(introspect(microservice, token).isActive()).isFalse();
    }

    @Test
    void revocationsWhenTheServerRestartsThenSurvive() {
        String revoked = token(client);
        String kept = token(client);
        String beforeCutoff = token(microservice);
        assertThat(revoke(client, revoked).getStatusCode()).isEqualTo(200);
        server.app().revocations().revokeAllTokens(TENANT, microservice.client().clientId());

        server.restart();

        assertThat(introspect(client, revoked).isActive()).isFalse();
        assertThat(introspect(client, kept).isActive()).isTrue();
        assertThat(introspect(client, beforeCutoff).isActive()).isFalse();
        server.clock().advance(Duration.ofSeconds(1));
        assertThat(introspect(client, token(microservice)).isActive()).isTrue();
    }

    @Test
    void revocationsWhenExpiredThenPrunedFromTheStore() throws Exception {
        String token = token(client);
        Instant issuedAt = SignedJWT.parse(token).getJWTClaimsSet().getIssueTime().toInstant();
        revoke(client, token);
        server.app().revocations().revokeAllTokens(TENANT, microservice.client().clientId());
        assertThat(server.app().store().revocations().listTokens(issuedAt)).hasSize(1);

        server.clock().advance(client.client().tokenTtl().plusSeconds(1));
        server.app().revocations().prune();

        assertThat(server.app().store().revocations().listTokens(issuedAt)).isEmpty();
        // The cutoff is kept until every token it covers has expired, whatever their lifetime was.
        assertThat(server.app().store().revocations().listCutoffs(issuedAt)).hasSize(1);
        assertThat(introspect(client, token).isActive()).isFalse();
    }

    // ---------------------------------------------------------------- introspection answers

    @Test
    void introspectionWhenGarbageThenInactive() {
        for (String garbage : List.of("garbage", "a.b.c", "eyJhbGciOiJub25lIn0.e30.")) {
            assertThat(introspect(client, garbage).toJSONObject()).as(garbage).containsOnlyKeys("active");
            assertThat(introspect(client, garbage).isActive()).isFalse();
        }
    }

    @Test
    void introspectionWhenTokenExpiredThenInactive() {
        String token = token(client);

        server.clock().advance(client.client().tokenTtl());

        assertThat(introspect(client, token).isActive()).isFalse();
    }

    @Test
    void introspectionWhenAnotherTenantsTokenThenInactiveAndItsOwnTenantSaysActive() {
        TenantId otherTenant = TenantId.of("20002");
        ProvisionedTenant other = Administration.of(server.app()).tenants.create(otherTenant, "Other", TenantSettings.DEFAULTS);
        ClientWithSecret otherClient = other.clients().stream()
                .filter(c -> c.client().builtin() == BuiltinClient.MICROSERVICE).findFirst().orElseThrow();
        String foreign = NimbusClient.accessToken(URI.create(server.baseUrl() + "/t/20002/oauth2/token"),
                NimbusClient.basic(otherClient), null);

        assertThat(introspect(client, foreign).isActive()).isFalse();
        assertThat(parse(new TokenIntrospectionRequest(URI.create(server.baseUrl() + "/t/20002/oauth2/introspect"),
                NimbusClient.basic(otherClient), new TypelessAccessToken(foreign)).toHTTPRequest()).isActive()).isTrue();
    }

    @Test
    void introspectionWhenClientSecretPostThenAnswered() {
        String token = token(client);

        TokenIntrospectionSuccessResponse answer = parse(new TokenIntrospectionRequest(introspectEndpoint(),
                NimbusClient.post(microservice), new BearerAccessToken(token)).toHTTPRequest());

        assertThat(answer.isActive()).isTrue();
    }

    @Test
    void introspectionWhenAnsweredThenNotCacheable() {
        HttpResponse<String> response = postForm(introspectEndpoint(), basic(client), "token=" + token(client));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
    }

    // ---------------------------------------------------------------- errors

    @Test
    void introspectionWhenAWrongSecretThenUnauthorizedInvalidClient() {
        HttpResponse<String> response = postForm(introspectEndpoint(),
                basic(client.client().clientId().value(), "wrong-secret"), "token=" + token(client));

        assertInvalidClient(response);
    }

    @Test
    void introspectionWhenWithoutClientAuthenticationThenUnauthorizedInvalidClient() {
        assertInvalidClient(postForm(introspectEndpoint(), null, "token=" + token(client)));
    }

    @Test
    void revocationWhenAWrongSecretThenUnauthorizedInvalidClientAndNothingRevoked() {
        String token = token(client);

        assertInvalidClient(postForm(revokeEndpoint(), basic(client.client().clientId().value(), "wrong"),
                "token=" + token));

        assertThat(introspect(client, token).isActive()).isTrue();
    }

    @Test
    void introspectionWhenWithoutTokenThenBadRequestInvalidRequest() {
        HttpResponse<String> response = postForm(introspectEndpoint(), basic(client), "");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\":\"invalid_request\"");
    }

    @Test
    void revocationWhenWithoutTokenThenBadRequestInvalidRequest() {
        HttpResponse<String> response = postForm(revokeEndpoint(), basic(client), "token_type_hint=access_token");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\":\"invalid_request\"");
    }

    @Test
    void introspectionWhenTheTokenRepeatedThenBadRequestInvalidRequest() {
        String token = token(client);

        HttpResponse<String> response = postForm(introspectEndpoint(), basic(client),
                "token=" + token + "&token=" + token);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\":\"invalid_request\"");
    }

    @Test
    void introspectionWhenGetThenMethodNotAllowed() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(introspectEndpoint())
                .header("Authorization", basic(client)).GET().build());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void introspectionWhenAtAnUnknownTenantThenNotFound() {
        HttpResponse<String> response = postForm(URI.create(server.baseUrl() + "/t/99999/oauth2/introspect"),
                basic(client), "token=x");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"error\":\"invalid_request\"");
    }

    // ---------------------------------------------------------------- metadata

    @Test
    void metadataWhenFetchedThenAdvertisesIntrospectionAndRevocationWithTheirAuthMethods() throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/.well-known/oauth-authorization-server/t/10001")).GET().build());

        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(response.body());

        assertThat(metadata.getIntrospectionEndpointURI()).isEqualTo(introspectEndpoint());
        assertThat(metadata.getRevocationEndpointURI()).isEqualTo(revokeEndpoint());
        assertThat(metadata.getIntrospectionEndpointAuthMethods()).containsExactly(
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST,
                ClientAuthenticationMethod.PRIVATE_KEY_JWT);
        assertThat(metadata.getRevocationEndpointAuthMethods()).containsExactly(
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST,
                ClientAuthenticationMethod.PRIVATE_KEY_JWT);
    }

    // ---------------------------------------------------------------- helpers

    private URI introspectEndpoint() {
        return URI.create(server.issuer() + "/oauth2/introspect");
    }

    private URI revokeEndpoint() {
        return URI.create(server.issuer() + "/oauth2/revoke");
    }

    private String token(ClientWithSecret c) {
        return NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(c), null);
    }

    /** Through the Nimbus SDK's client side, which must parse our answer. */
    private TokenIntrospectionSuccessResponse introspect(ClientWithSecret caller, String token) {
        return parse(new TokenIntrospectionRequest(introspectEndpoint(), NimbusClient.basic(caller),
                new TypelessAccessToken(token)).toHTTPRequest());
    }

    private static TokenIntrospectionSuccessResponse parse(com.nimbusds.oauth2.sdk.http.HTTPRequest request) {
        try {
            TokenIntrospectionResponse response = TokenIntrospectionResponse.parse(request.send());
            if (!response.indicatesSuccess()) {
                throw new AssertionError("introspection refused: "
                        + response.toErrorResponse().getErrorObject().toJSONObject());
            }
            return response.toSuccessResponse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new AssertionError("unparseable introspection response", e);
        }
    }

    private HTTPResponse revoke(ClientWithSecret caller, String token) {
        ClientAuthentication auth = NimbusClient.basic(caller);
        try {
            return new TokenRevocationRequest(revokeEndpoint(), auth, new BearerAccessToken(token))
                    .toHTTPRequest().send();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String basic(ClientWithSecret c) {
        return basic(c.client().clientId().value(), c.secret().reveal());
    }

    private static String basic(String id, String secret) {
        String pair = URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> postForm(URI endpoint, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return server.send(request.build());
    }

    private static void assertInvalidClient(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"error\":\"invalid_client\"");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Basic realm="));
    }
}
