package dev.tollgate.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenIntrospectionErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientUpdate;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.server.ops.TokenAudit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Introspection is a permission a client is granted (issue 11, point 8), over real HTTP on both
 * stores, with plain form requests as curl sends them and with the Nimbus SDK's
 * {@link TokenIntrospectionRequest}: a permitted client learns whether a token is active; one without
 * the permission gets 403 {@code unauthorized_client} that says nothing of the token, audited and
 * counted; a grant applies to the next request on this node.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Kind.class)
class IntrospectionPermissionTest {

    @Parameter
    TestServer.Kind kind;

    private TestServer server;
    private String token;

    @BeforeEach
    void startServer() {
        server = TestServer.start(kind);
        token = NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()), null);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void introspectionWhenMicroserviceKeyThenPermittedFromTheStartAndActive() throws Exception {
        HttpResponse<String> response = introspect(server.microserviceClient(), token);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSONObjectUtils.parse(response.body())).containsEntry("active", true);
        assertThat(nimbus(server.microserviceClient(), token).indicatesSuccess()).isTrue();
        assertThat(nimbus(server.microserviceClient(), token).toSuccessResponse().isActive()).isTrue();
    }

    @Test
    void introspectionWhenClientNotPermittedThenForbiddenUnauthorizedClientRevealingNothingAuditedAndCounted()
            throws Exception {
        ClientWithSecret probe = create("probe", false);
        long eventsBefore = refusals().size();

        HttpResponse<String> live = introspect(probe, token);
        HttpResponse<String> garbage = introspect(probe, "not-a-token");

        assertThat(live.statusCode()).isEqualTo(403);
        assertThat(live.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, Object> body = JSONObjectUtils.parse(live.body());
        assertThat(body).containsOnlyKeys("error", "error_description").containsEntry("error", "unauthorized_client");
        // The same answer whatever the token: it was never read.
        assertThat(garbage.statusCode()).isEqualTo(403);
        assertThat(garbage.body()).isEqualTo(live.body());

        TokenIntrospectionResponse parsed = nimbus(probe, token);
        assertThat(parsed.indicatesSuccess()).isFalse();
        TokenIntrospectionErrorResponse error = parsed.toErrorResponse();
        assertThat(error.getErrorObject().getCode()).isEqualTo("unauthorized_client");
        assertThat(error.getErrorObject().getHTTPStatusCode()).isEqualTo(403);

        List<AuditEvent> refusals = refusals();
        assertThat(refusals).hasSize((int) eventsBefore + 3);
        assertThat(refusals).allSatisfy(e -> {
            assertThat(e.actorId()).isEqualTo(probe.client().clientId().value());
            assertThat(e.actorKind()).isEqualTo(Actor.Kind.CLIENT);
        });
        assertThat(metric("tollgate_introspection_refused_total{client=\"" + probe.client().clientId().value()
                + "\",tenant=\"" + TENANT.value() + "\"}")).isEqualTo(3.0);
    }

    @Test
    void introspectionWhenClientCreatedWithThePermissionThenActive() throws Exception {
        ClientWithSecret api = create("orders-api", true);

        assertThat(JSONObjectUtils.parse(introspect(api, token).body())).containsEntry("active", true);
        assertThat(nimbus(api, token).toSuccessResponse().isActive()).isTrue();
    }

    @Test
    void introspectionWhenPermissionGrantedLaterThenWorksOnTheNextRequestAndWithdrawnThenRefusedAgain()
            throws Exception {
        ClientWithSecret api = create("late-api", false);
        assertThat(introspect(api, token).statusCode()).isEqualTo(403);

        server.app().adminOperations().clients().update(Actor.cli(TENANT), TENANT, api.client().clientId(),
                new ClientUpdate(null, null, null, null, null, null, null, true));

        assertThat(JSONObjectUtils.parse(introspect(api, token).body())).containsEntry("active", true);
        assertThat(nimbus(api, token).toSuccessResponse().isActive()).isTrue();

        server.app().adminOperations().clients().update(Actor.cli(TENANT), TENANT, api.client().clientId(),
                new ClientUpdate(null, null, null, null, null, null, null, false));

        assertThat(introspect(api, token).statusCode()).isEqualTo(403);
    }

    @Test
    void introspectionWhenNotPermittedAndWrongSecretThenInvalidClientFirst() {
        ClientWithSecret probe = create("probe-wrong-secret", false);

        HttpResponse<String> response = server.send(form(basic(probe.client().clientId().value(), "wrong"), token));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"error\":\"invalid_client\"");
    }

    private ClientWithSecret create(String name, boolean introspection) {
        return server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                new ClientSpec(name, ScopeSet.EMPTY, null, null, null, null, introspection));
    }

    private List<AuditEvent> refusals() {
        return server.app().store().audit().query(TENANT, AuditRepository.Filter.ALL, 0, 1000).stream()
                .filter(e -> e.action().equals(TokenAudit.INTROSPECTION_REFUSED)).toList();
    }

    private URI endpoint() {
        return URI.create(server.issuer() + "/oauth2/introspect");
    }

    /** As {@code curl -u id:secret -d token=…}. */
    private HttpResponse<String> introspect(ClientWithSecret caller, String presented) {
        return server.send(form(basic(caller.client().clientId().value(), caller.secret().reveal()), presented));
    }

    private HttpRequest form(String authorization, String presented) {
        return HttpRequest.newBuilder(endpoint())
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + presented))
                .build();
    }

    private TokenIntrospectionResponse nimbus(ClientWithSecret caller, String presented) {
        try {
            return TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(endpoint(),
                    NimbusClient.basic(caller), new BearerAccessToken(presented)).toHTTPRequest().send());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private double metric(String series) {
        String metrics = server.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.managementPort() + "/metrics")).GET().build()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(series + " in\n" + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
