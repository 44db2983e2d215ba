package dev.tollgate.server.http;

import dev.tollgate.server.Administration;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Where parameters may come from and how often: RFC 6749 §3.2 and §4.4.2, RFC 8707 §2. */
class TokenEndpointParametersTest {

    private static final String API_A = "https://a.api.example.test";
    private static final String API_B = "https://b.api.example.test";

    private static TestServer server;
    private static ClientWithSecret client;

    @BeforeAll
    static void start() {
        server = TestServer.embedded();
        client = Administration.of(server.app()).clients.create(TestServer.TENANT, new ClientSpec("two audiences",
                ScopeSet.of("users:read"), null, List.of(API_A, API_B), null, null));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenRequestWhenTwoAllowedResourcesThenBothAreTheAudience() throws Exception {
        HttpResponse<String> response = post(server.tokenEndpoint(), "application/x-www-form-urlencoded",
                "grant_type=client_credentials&resource=" + enc(API_A) + "&resource=" + enc(API_B));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SignedJWT.parse(accessToken(response.body())).getJWTClaimsSet().getAudience())
                .containsExactly(API_A, API_B);
    }

    @Test
    void tokenRequestWhenAResourceTwiceThenThatOneAudience() throws Exception {
        HttpResponse<String> response = post(server.tokenEndpoint(), "application/x-www-form-urlencoded",
                "grant_type=client_credentials&resource=" + enc(API_A) + "&resource=" + enc(API_A));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SignedJWT.parse(accessToken(response.body())).getJWTClaimsSet().getAudience())
                .containsExactly(API_A);
    }

    @Test
    void tokenRequestWhenParametersInTheQueryStringThenInvalidRequest() {
        HttpResponse<String> response = post(URI.create(server.tokenEndpoint() + "?grant_type=client_credentials"),
                "application/x-www-form-urlencoded", "");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\":\"invalid_request\"").contains("form body");
    }

    @Test
    void tokenRequestWhenCharsetOtherThanUtf8ThenInvalidRequest() {
        HttpResponse<String> response = post(server.tokenEndpoint(),
                "application/x-www-form-urlencoded; charset=ISO-8859-1", "grant_type=client_credentials");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\":\"invalid_request\"");
    }

    @Test
    void tokenRequestWhenCharsetUtf8ThenIssued() {
        HttpResponse<String> response = post(server.tokenEndpoint(),
                "application/x-www-form-urlencoded; charset=\"UTF-8\"", "grant_type=client_credentials");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> post(URI uri, String contentType, String body) {
        String basic = Base64.getEncoder().encodeToString((client.client().clientId().value() + ":"
                + client.secret().reveal()).getBytes(StandardCharsets.UTF_8));
        return server.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static String accessToken(String json) {
        return json.replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
