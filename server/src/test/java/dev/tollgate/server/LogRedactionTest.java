package dev.tollgate.server;

import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.tenant.TenantId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of credential a request can carry is sent once, with every logger at TRACE (Helidon's
 * java.util.logging records bridged as the CLI bridges them), and each event is encoded by the
 * production JSON encoder: no line may contain a secret, an issued token or an Authorization or
 * Authorize header value, and each request must have its one access line.
 */
class LogRedactionTest {

    private static final String WRONG_SECRET = "wrong-secret-never-logged-7f3a9c";

    private TestServer server;
    private CapturedLogs capture;

    @BeforeEach
    void start() {
        server = TestServer.embedded();
        server.letDefaultClientIntrospect();
        capture = CapturedLogs.everythingAtTrace();
    }

    @AfterEach
    void stop() {
        capture.close();
        server.close();
    }

    @Test
    void logsWhenEveryKindOfCredentialIsSentThenNoneAppearsAndEachRequestHasOneAccessLine() throws Exception {
        String clientId = server.defaultClient().client().clientId().value();
        String secret = server.defaultClient().secret().reveal();
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        String wrongBasic = "Basic " + Base64.getEncoder().encodeToString(
                (clientId + ":" + WRONG_SECRET).getBytes(StandardCharsets.UTF_8));
        List<String> secrets = new ArrayList<>(List.of(secret, WRONG_SECRET, basic, wrongBasic,
                basic.substring("Basic ".length()), wrongBasic.substring("Basic ".length()),
                URLEncoder.encode(secret, StandardCharsets.UTF_8)));
        int requests = 0;

        // Basic, then a wrong secret in Basic, then the secret in the form body.
        String basicToken = issued(send(form(server.tokenEndpoint(), "grant_type=client_credentials")
                .header("Authorization", basic)));
        requests++;
        assertThat(send(form(server.tokenEndpoint(), "grant_type=client_credentials")
                .header("Authorization", wrongBasic)).statusCode()).isEqualTo(401);
        requests++;
        String formToken = issued(send(form(server.tokenEndpoint(), "grant_type=client_credentials&client_id="
                + clientId + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8))));
        requests++;

        // Query-string credentials: refused by default, accepted once the tenant allows them.
        URI query = URI.create(server.baseUrl() + "/oauth/token?grant_type=client_credentials&client_id="
                + clientId + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8));
        assertThat(send(HttpRequest.newBuilder(query).POST(HttpRequest.BodyPublishers.noBody())).statusCode())
                .isNotEqualTo(200);
        requests++;
        Administration.of(server.app()).tenants.updateSettings(TenantId.of("10001"), s -> s.withAllowQueryCredentials(true));
        String queryToken = issued(send(HttpRequest.newBuilder(query).POST(HttpRequest.BodyPublishers.noBody())));
        requests++;

        // The PAM shape: the secret in a JSON body.
        String pamToken = issued(send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/pam/apps/autheticate/oauth/token-generation/"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\",\"client_id\":\""
                        + clientId + "\",\"client_secret\":\"" + secret + "\",\"customer\":\"10001\"}"))));
        requests++;

        // Bearer tokens to the users API, in Authorization and in the reference's Authorize.
        URI users = URI.create(server.baseUrl() + "/t/10001/api/v1/users");
        assertThat(send(HttpRequest.newBuilder(users).header("Authorization", "Bearer " + basicToken).GET())
                .statusCode()).isEqualTo(200);
        requests++;
        assertThat(send(HttpRequest.newBuilder(users).header("Authorize", "Bearer " + formToken).GET())
                .statusCode()).isEqualTo(200);
        requests++;

        // Introspection: client credentials and a token in one request.
        HttpResponse<String> introspection = send(form(URI.create(server.issuer() + "/oauth2/introspect"),
                "token=" + queryToken).header("Authorization", basic));
        assertThat(introspection.body()).contains("\"active\":true");
        requests++;

        for (String token : List.of(basicToken, formToken, queryToken, pamToken)) {
            secrets.add(token);
            secrets.add("Bearer " + token);
        }

        List<String> access = capture.awaitAccessLines(requests);
        List<String> lines = capture.lines();
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            for (String s : secrets) {
                assertThat(line).as("a log line").doesNotContain(s);
            }
        }
        assertThat(access).hasSize(requests);
        for (String line : access) {
            Map<String, Object> json = JSONObjectUtils.parse(line);
            assertThat(json).containsEntry("tenant", "10001").containsKeys("method", "route", "status", "latency_ms");
            assertThat((String) json.get("route")).doesNotContain("?");
        }
        assertThat(access).anySatisfy(line -> assertThat(line)
                .contains("\"client\":\"" + clientId + "\"", "\"outcome\":\"issued\"", "\"status\":200"));
        assertThat(access).anySatisfy(line -> assertThat(line)
                .contains("\"outcome\":\"wrong_secret\"", "\"status\":401"));
    }

    private static HttpRequest.Builder form(URI uri, String body) {
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return server.send(request.build());
    }

    private static String issued(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSONObjectUtils.parse(response.body()).get("access_token").toString();
    }
}
