package dev.tollgate.server;

import dev.tollgate.client.TokenClient;
import dev.tollgate.client.TokenScope;
import dev.tollgate.core.admin.ClientWithSecret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3's revocation story across every piece, over real HTTP: the token endpoint, RFC 7009
 * revocation, RFC 7662 introspection, the users API (through the verifier library) and the client
 * library, then a restart.
 */
class RevocationEndToEndTest {

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void revocationWhenOneTokenThenInactiveAndRefusedWhileOtherTokensWorkAndItStaysSoAfterARestart() {
        server = TestServer.embedded();
        ClientWithSecret owner = server.defaultClient();
        ClientWithSecret other = server.microserviceClient();
        String revoked = token(owner);
        String sibling = token(owner);
        String others = token(other);
        assertThat(listUsers(revoked).statusCode()).isEqualTo(200);

        assertThat(form(owner, "/oauth2/revoke", "token=" + revoked).statusCode()).isEqualTo(200);

        assertThat(form(other, "/oauth2/introspect", "token=" + revoked).body()).contains("\"active\":false");
        HttpResponse<String> refused = listUsers(revoked);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                h -> assertThat(h).contains("error=\"invalid_token\""));
        assertThat(listUsers(sibling).statusCode()).isEqualTo(200);
        assertThat(listUsers(others).statusCode()).isEqualTo(200);
        assertThat(form(other, "/oauth2/introspect", "token=" + sibling).body()).contains("\"active\":true");

        server.restart();

        assertThat(listUsers(revoked).statusCode()).isEqualTo(401);
        assertThat(form(other, "/oauth2/introspect", "token=" + revoked).body()).contains("\"active\":false");
        assertThat(listUsers(sibling).statusCode()).isEqualTo(200);
    }

    @Test
    void clientWideRevocationWhenDoneThenEveryEarlierTokenOfThatClientOnlyRefusedAndSurvivesARestart() {
        server = TestServer.embedded();
        ClientWithSecret target = server.microserviceClient();
        ClientWithSecret bystander = server.defaultClient();
        String first = token(target);
        String second = token(target);
        String unaffected = token(bystander);

        server.app().revocations().revokeAllTokens(TestServer.TENANT, target.client().clientId());
        server.clock().advance(Duration.ofSeconds(1));
        String issuedAfter = token(target);

        assertThat(listUsers(first).statusCode()).isEqualTo(401);
        assertThat(listUsers(second).statusCode()).isEqualTo(401);
        assertThat(listUsers(unaffected).statusCode()).isEqualTo(200);
        assertThat(listUsers(issuedAfter).statusCode()).isEqualTo(200);

        server.restart();

        assertThat(listUsers(first).statusCode()).isEqualTo(401);
        assertThat(listUsers(issuedAfter).statusCode()).isEqualTo(200);
    }

    @Test
    void clientLibraryWhenServerSideRevocationThenRecoversWithOneRenewAndOneRetry() throws Exception {
        server = TestServer.embedded();
        ClientWithSecret owner = server.defaultClient();
        CountingHttpClient http = new CountingHttpClient();
        TokenClient client = TokenClient.builder()
                .tokenEndpoint(server.tokenEndpoint())
                .clientId(owner.client().clientId().value())
                .clientSecret(owner.secret().reveal())
                .clock(server.clock())
                .httpClient(http)
                .build();
        TokenScope scope = TokenScope.of(Set.of("users:read"));
        URI users = URI.create(server.issuer() + "/api/v1/users");

        assertThat(client.send(HttpRequest.newBuilder(users).GET(), HttpResponse.BodyHandlers.ofString(), scope)
                .statusCode()).isEqualTo(200);
        String first = client.accessToken(scope);
        assertThat(form(owner, "/oauth2/revoke", "token=" + first).statusCode()).isEqualTo(200);

        HttpResponse<String> afterRevocation = client.send(HttpRequest.newBuilder(users).GET(),
                HttpResponse.BodyHandlers.ofString(), scope);

        assertThat(afterRevocation.statusCode()).isEqualTo(200);
        assertThat(http.requestsTo(server.tokenEndpoint())).isEqualTo(2);
        assertThat(client.accessToken(scope)).isNotEqualTo(first);
    }

    private String token(ClientWithSecret client) {
        HttpResponse<String> response = form(client, "/oauth2/token", "grant_type=client_credentials");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    }

    private HttpResponse<String> form(ClientWithSecret client, String path, String body) {
        String basic = Base64.getEncoder().encodeToString((client.client().clientId().value() + ":"
                + URLEncoder.encode(client.secret().reveal(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        return server.send(HttpRequest.newBuilder(URI.create(server.issuer() + path))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private HttpResponse<String> listUsers(String token) {
        return server.send(HttpRequest.newBuilder(URI.create(server.issuer() + "/api/v1/users"))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build());
    }
}
