package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, point 8: one spelling per token, one authentication method per request, and no
 * answer a browser may sniff into HTML.
 */
class ProtocolStrictnessTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.embedded();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenWhenRespelledWithPaddingOrStandardAlphabetOrStrayBitsThenRefusedWhileTheOriginalIsAccepted()
            throws Exception {
        String token = token(server.defaultClient());
        assertThat(usersStatus(token)).isEqualTo(200);
        assertThat(introspect(token)).containsEntry("active", true);

        List<String> variants = respellings(token);
        assertThat(variants).isNotEmpty();
        for (String variant : variants) {
            assertThat(usersStatus(variant)).as(variant).isEqualTo(401);
            assertThat(introspect(variant)).as(variant).containsEntry("active", false);
        }
    }

    @Test
    void tokenRequestWhenBasicAndClientAssertionTogetherThenInvalidRequest() {
        ClientWithSecret client = server.defaultClient();
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", basic(client))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"
                        + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                        + "&client_assertion=eyJhbGciOiJFUzI1NiJ9.e30.c2ln"))
                .build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"invalid_request\"");
    }

    @Test
    void answersWhenJsonOrErrorThenNosniffOnEveryListener() throws Exception {
        String token = token(server.defaultClient());
        List<HttpResponse<String>> answers = List.of(
                server.send(get(server.baseUrl() + "/t/10001/oauth2/jwks")),
                server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build()),
                server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/10001/api/v1/users"))
                        .header("Authorization", "Bearer " + token).build()),
                server.send(get(server.baseUrl() + "/t/10001/api/v1/users")),
                server.send(get(server.baseUrl() + "/t/10001/admin/api/v1/clients")),
                server.send(get(server.baseUrl() + "/no/such/path")),
                server.send(get("http://127.0.0.1:" + server.managementPort() + "/health/ready")));

        for (HttpResponse<String> answer : answers) {
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(answer.uri() + " " + answer.statusCode())
                    .contains("nosniff");
        }
    }

    @Test
    void jsonBodyWhenAMemberNameRepeatsThen400AndNothingCreated() throws Exception {
        String token = token(server.defaultClient(), "users:write");
        HttpResponse<String> users = server.send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/t/10001/api/v1/users"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"first.dup\",\"email\":\"d@example.com\",\"username\":\"second.dup\"}"))
                .build());
        assertThat(users.statusCode()).isEqualTo(400);
        assertThat(users.body()).contains("invalid_request").contains("username");
        assertThat(server.app().store().users().list(TestServer.TENANT,
                new dev.tollgate.core.store.UserRepository.Filter(null, "d@example.com"), 0, 10)).isEmpty();

        ClientWithSecret client = server.defaultClient();
        HttpResponse<String> pam = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/pam/apps/autheticate/oauth/token-generation/"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"customer\":\"10001\",\"grant_type\":"
                        + "\"client_credentials\",\"client_id\":\"" + client.client().clientId().value()
                        + "\",\"client_secret\":\"" + client.secret().reveal()
                        + "\",\"customer\":\"20002\"}"))
                .build());
        assertThat(pam.statusCode()).as(pam.body()).isEqualTo(400);
        assertThat(pam.body()).contains("invalid_request").contains("customer");

        HttpResponse<String> admin = server.send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/t/10001/admin/api/v1/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"admin\",\"password\":\"x\",\"username\":\"other\"}"))
                .build());
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(400);
        assertThat(admin.body()).contains("invalid_request");
    }

    /** The same bytes, spelled otherwise: each decodes to the token's header, claims and signature. */
    private static List<String> respellings(String token) {
        String[] parts = token.split("\\.");
        List<String> variants = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String segment = parts[i];
            if (segment.length() % 4 != 0) {
                variants.add(replace(parts, i, segment + "=".repeat(4 - segment.length() % 4)));
            }
            if (segment.contains("-") || segment.contains("_")) {
                variants.add(replace(parts, i, segment.replace('-', '+').replace('_', '/')));
            }
            int spare = switch (segment.length() % 4) {
                case 2 -> 4;
                case 3 -> 2;
                default -> 0;
            };
            if (spare > 0) {
                // The last character carries bits no byte uses; setting one decodes to the same bytes.
                String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                int last = alphabet.indexOf(segment.charAt(segment.length() - 1));
                String changed = segment.substring(0, segment.length() - 1) + alphabet.charAt(last | 1);
                if (!changed.equals(segment)) {
                    assertThat(Base64.getUrlDecoder().decode(changed)).isEqualTo(Base64.getUrlDecoder().decode(segment));
                    variants.add(replace(parts, i, changed));
                }
            }
        }
        return variants;
    }

    private static String replace(String[] parts, int index, String segment) {
        String[] copy = parts.clone();
        copy[index] = segment;
        return String.join(".", copy);
    }

    private static int usersStatus(String token) {
        return server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/10001/api/v1/users"))
                .header("Authorization", "Bearer " + token).build()).statusCode();
    }

    private static Map<String, Object> introspect(String token) throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/t/10001/oauth2/introspect"))
                .header("Authorization", basic(server.microserviceClient()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + java.net.URLEncoder.encode(token,
                        StandardCharsets.UTF_8)))
                .build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSONObjectUtils.parse(response.body());
    }

    private static String token(ClientWithSecret client) throws Exception {
        return token(client, "users:read");
    }

    private static String token(ClientWithSecret client, String scope) throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", basic(client))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
                        + scope.replace(":", "%3A")))
                .build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (String) JSONObjectUtils.parse(response.body()).get("access_token");
    }

    private static String basic(ClientWithSecret client) {
        return "Basic " + Base64.getEncoder().encodeToString((client.client().clientId().value() + ":"
                + client.secret().reveal()).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).build();
    }
}
