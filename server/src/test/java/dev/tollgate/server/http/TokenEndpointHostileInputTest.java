package dev.tollgate.server.http;

import dev.tollgate.server.Administration;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.TestServer;
import net.minidev.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every RFC 6749 §5.2 error of the token endpoints, provoked with hostile input over real HTTP:
 * each answer has the exact status and {@code error}, is JSON, is {@code no-store}, is never a
 * 5xx, and nothing in the store changes.
 */
class TokenEndpointHostileInputTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String GRANT = "grant_type=client_credentials";

    private static TestServer server;
    private static ClientWithSecret client;

    @BeforeAll
    static void start() {
        server = TestServer.embedded();
        client = server.defaultClient();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---- invalid_request -------------------------------------------------------------------

    @Test
    void tokenRequestWhenNoGrantTypeThenInvalidRequest() {
        assertError(postForm(goodBasic(), "scope=users%3Aread"), 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenEmptyBodyThenInvalidRequest() {
        assertError(postForm(goodBasic(), ""), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "grant_type=client_credentials&grant_type=client_credentials",
            "grant_type=client_credentials&grant_type=password",
            "grant_type=client_credentials&scope=users%3Aread&scope=users%3Awrite",
            "grant_type=client_credentials&scope=users%3Aread&scope=users%3Aread",
            "grant_type=client_credentials&x=1&x=2",
    })
    // resource is the one parameter RFC 8707 §2 lets repeat: see TokenEndpointParametersTest.
    void tokenRequestWhenRepeatedParameterThenInvalidRequest(String body) {
        assertError(postForm(goodBasic(), body), 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenRepeatedClientIdInBodyThenInvalidRequest() {
        assertError(postForm(null, GRANT + "&client_id=" + id() + "&client_id=" + id() + "&client_secret=" + secret()),
                400, "invalid_request");
    }

    @Test
    void tokenRequestWhenParameterInQueryAndBodyThenInvalidRequest() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                        URI.create(server.tokenEndpoint() + "?scope=users%3Aread"))
                .header("Authorization", goodBasic())
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT + "&scope=users%3Aread")).build());
        assertError(response, 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenCredentialsInQueryOnCanonicalEndpointThenInvalidRequestNamingTheSetting() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.tokenEndpoint()
                        + "?" + GRANT + "&client_id=" + id() + "&client_secret=" + secret()))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        JSONObject error = assertError(response, 400, "invalid_request");
        assertThat((String) error.get("error_description")).contains("allow-query-credentials");
    }

    /** RFC 6749 §2.3: a client must not use more than one authentication method in a request. */
    @Test
    void tokenRequestWhenBasicAndBodyCredentialsThenInvalidRequest() {
        assertError(postForm(goodBasic(), GRANT + "&client_id=" + id() + "&client_secret=" + secret()),
                400, "invalid_request");
    }

    @Test
    void tokenRequestWhenBasicAndDifferentBodyClientIdThenInvalidRequest() {
        assertError(postForm(goodBasic(), GRANT + "&client_id=someone-else"), 400, "invalid_request");
    }

    /** RFC 6749 §3.2.1: a client authenticating with Basic may still repeat its own id in the body. */
    @Test
    void tokenRequestWhenBasicAndTheSameClientIdInBodyThenIssued() {
        assertThat(postForm(goodBasic(), GRANT + "&client_id=" + id()).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/json", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencodedx", "application/xml"})
    void tokenRequestWhenWrongContentTypeThenInvalidRequest(String contentType) {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", goodBasic())
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT)).build());
        assertError(response, 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenNoContentTypeThenInvalidRequest() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", goodBasic())
                .POST(HttpRequest.BodyPublishers.ofString(GRANT)).build());
        assertError(response, 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenInvalidUtf8InBodyThenInvalidRequest() {
        byte[] body = concat(ascii(GRANT + "&scope=users"), new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", goodBasic())
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertError(response, 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenOverlongUtf8EncodingInBodyThenInvalidRequest() {
        // 0xC0 0xAF is an overlong '/': strict decoders must refuse it rather than normalise it.
        byte[] body = concat(ascii(GRANT + "&client_id="), new byte[] {(byte) 0xC0, (byte) 0xAF});
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertError(response, 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void tokenRequestWhenMethodOtherThanPostThenMethodNotAllowedWithJsonError(String method) {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                        URI.create(server.tokenEndpoint() + "?" + GRANT))
                .header("Authorization", goodBasic())
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
        assertError(response, 405, "invalid_request");
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void tokenRequestWhenOneMegabyteWithContentLengthThenPayloadTooLargeWithJsonError() {
        byte[] body = ascii(GRANT + "&pad=" + "a".repeat(1024 * 1024));
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", goodBasic())
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertError(response, 413, "invalid_request");
    }

    @Test
    void tokenRequestWhenOneMegabyteChunkedThenPayloadTooLargeWithJsonError() {
        byte[] body = ascii(GRANT + "&pad=" + "a".repeat(1024 * 1024));
        // No length known up front: java.net.http sends it chunked, so only reading can find the size.
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", goodBasic())
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
        assertError(response, 413, "invalid_request");
    }

    /** Nimbus would drop the malformed parameter, turning a narrow scope request into the client's defaults. */
    @ParameterizedTest
    @ValueSource(strings = {"scope=%ZZ", "scope=users%3Aread%", "scope=users%3", "scope=%\uFF10%\uFF11", "%ZZ=1"})
    void tokenRequestWhenMalformedPercentEncodingThenInvalidRequest(String parameter) {
        assertError(postForm(goodBasic(), GRANT + "&" + parameter), 400, "invalid_request");
    }

    @Test
    void tokenRequestWhenFiveThousandUnknownParametersThenIssued() {
        StringBuilder body = new StringBuilder(GRANT);
        for (int i = 0; i < 5_000; i++) {
            body.append("&p").append(i).append('=');
        }
        HttpResponse<String> response = postForm(goodBasic(), body.toString());
        // Unknown parameters are ignored (RFC 6749 §3.2), so this is simply a good request.
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void tokenRequestWhenTwoAuthorizationHeadersThenInvalidRequest() {
        String request = "POST /t/10001/oauth2/token HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Authorization: " + goodBasic() + "\r\n"
                + "Authorization: " + basic("someone-else", "whatever") + "\r\n"
                + "Content-Type: " + FORM + "\r\n"
                + "Content-Length: " + GRANT.length() + "\r\n"
                + "Connection: close\r\n\r\n" + GRANT;
        assertError(raw(ascii(request)), 400, "invalid_request");
    }

    /**
     * Requests HTTP/1.1 itself forbids (bare CR or NUL in a header, request smuggling shapes, raw
     * bytes or broken escapes in the request target) are refused by Helidon before any endpoint
     * runs, with its own empty 400: never a 5xx, never a stack trace, and the connection is closed.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "POST /t/10001/oauth2/token HTTP/1.1\r\nHost: x\r\nAuthorization: Basic a\rb\r\nContent-Length: 0\r\n\r\n",
            "POST /t/10001/oauth2/token HTTP/1.1\r\nHost: x\r\nAuthorization: Basic a\u0000b\r\nContent-Length: 0\r\n\r\n",
            "POST /t/10001/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
            "POST /t/10001/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /t/10001/oauth2/token?grant_type=%ZZ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            "POST /t/10001/oauth2/token?grant_type=\u00ff HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            "POST /t/%ZZ/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            "POST /oauth/token?grant_type=client_credentials&client_id=%ZZ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    })
    void requestWhenNotValidHttpThenBadRequestWithoutStackTrace(String request) {
        Answer answer = raw(request.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.body()).doesNotContain("Exception", "\tat ", "dev.tollgate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/t/99999/oauth2/token", "/t/no%2Asuch/oauth2/token", "/t/%00/oauth2/token",
            "/t/-leading-dash/oauth2/token", "/t/%E2%80%AE10001/oauth2/token"})
    void tokenRequestWhenUnknownTenantThenNotFoundWithJsonError(String path) {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", goodBasic())
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT)).build());
        assertError(response, 404, "invalid_request");
    }

    @Test
    void tokenRequestWhenTenantIdOfSixtyFiveCharactersThenNotFoundWithJsonError() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/t/" + "1".repeat(65) + "/oauth2/token"))
                .header("Authorization", goodBasic())
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT)).build());
        assertError(response, 404, "invalid_request");
    }

    // ---- invalid_client --------------------------------------------------------------------

    @Test
    void tokenRequestWhenUnknownClientWithBasicThenInvalidClientWithBasicChallenge() {
        assertInvalidClient(postForm(basic("no-such-client", secret()), GRANT));
    }

    @Test
    void tokenRequestWhenUnknownClientInBodyThenInvalidClient() {
        assertInvalidClient(postForm(null, GRANT + "&client_id=no-such-client&client_secret=" + secret()));
    }

    @Test
    void tokenRequestWhenWrongSecretWithBasicThenInvalidClient() {
        assertInvalidClient(postForm(basic(id(), secret() + "x"), GRANT));
    }

    @Test
    void tokenRequestWhenWrongSecretInBodyThenInvalidClient() {
        assertInvalidClient(postForm(null, GRANT + "&client_id=" + id() + "&client_secret=wrong"));
    }

    @Test
    void tokenRequestWhenEmptySecretThenInvalidClient() {
        assertInvalidClient(postForm(basic(id(), ""), GRANT));
    }

    @Test
    void tokenRequestWhenDisabledClientThenInvalidClient() {
        ClientWithSecret victim = Administration.of(server.app()).clients.create(TestServer.TENANT,
                ClientSpec.named("to be disabled", ScopeSet.of("users:read")));
        String id = victim.client().clientId().value();
        String secret = victim.secret().reveal();
        assertThat(postForm(basic(id, secret), GRANT).statusCode()).isEqualTo(200);

        Administration.of(server.app()).clients.setEnabled(TestServer.TENANT, victim.client().clientId(), false);

        assertInvalidClient(postForm(basic(id, secret), GRANT));
        assertInvalidClient(postForm(null, GRANT + "&client_id=" + id + "&client_secret=" + secret));
        assertInvalidClient(postJson(pamPath(), pamBody(id, secret, "10001")));
    }

    @Test
    void tokenRequestWhenNoAuthenticationAtAllThenInvalidClient() {
        assertInvalidClient(postForm(null, GRANT));
    }

    @Test
    void tokenRequestWhenClientIdButNoSecretThenInvalidClient() {
        assertInvalidClient(postForm(null, GRANT + "&client_id=" + id()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic !!!", "Basic", "Basic ", "Basic bm9jb2xvbg==", "Bearer xyz", "Digest username=\"a\"",
            "Basic Zm9v OmJhcg==", "Basic ====", "Negotiate YQ=="})
    void tokenRequestWhenMalformedBasicHeaderThenInvalidClient(String authorization) {
        assertInvalidClient(postForm(authorization, GRANT));
    }

    @Test
    void tokenRequestWhenBasicOfInvalidUtf8BytesThenInvalidClient() {
        byte[] credentials = concat(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xC0}, ascii(":" + secret()));
        assertInvalidClient(postForm("Basic " + Base64.getEncoder().encodeToString(credentials), GRANT));
    }

    @Test
    void tokenRequestWhenRawInvalidUtf8InAuthorizationHeaderThenInvalidClient() {
        byte[] request = concat(
                ascii("POST /t/10001/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "),
                new byte[] {(byte) 0xFF, (byte) 0xC3, (byte) 0x28},
                ascii("\r\nContent-Type: " + FORM + "\r\nContent-Length: " + GRANT.length()
                        + "\r\nConnection: close\r\n\r\n" + GRANT));
        assertInvalidClient(raw(request));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%00", "%0D%0A", "%0A", "%0D%0ASet-Cookie%3A%20x%3Dy", "%FF", "%C0%AF"})
    void tokenRequestWhenControlCharactersInClientIdInBodyThenInvalidClient(String injected) {
        // The real id with the junk appended must not authenticate as the real client (no truncation).
        assertInvalidClient(postForm(null, GRANT + "&client_id=" + id() + injected + "&client_secret=" + secret()));
        assertInvalidClient(postForm(null, GRANT + "&client_id=" + injected + id() + "&client_secret=" + secret()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "\r\n", "\n", "\r\nSet-Cookie: x=y"})
    void tokenRequestWhenControlCharactersInClientIdViaBasicThenInvalidClient(String injected) {
        // RFC 6749 §2.3.1: Basic carries the form-urlencoded id and secret, so test both raw and encoded.
        assertInvalidClient(postForm(rawBasic(id() + injected, secret()), GRANT));
        assertInvalidClient(postForm(basic(id() + injected, secret()), GRANT));
    }

    @Test
    void tokenRequestWhenNulAppendedToSecretThenInvalidClient() {
        assertInvalidClient(postForm(null, GRANT + "&client_id=" + id() + "&client_secret=" + secret() + "%00"));
        assertInvalidClient(postForm(basic(id(), secret() + "\u0000"), GRANT));
    }

    @Test
    void tokenRequestWhenClientIdOfTenThousandCharactersThenInvalidClient() {
        assertInvalidClient(postForm(basic("a".repeat(10_000), secret()), GRANT));
        assertInvalidClient(postForm(null, GRANT + "&client_id=" + "a".repeat(10_000) + "&client_secret=x"));
    }

    @Test
    void tokenRequestWhenLowerCaseBasicSchemeThenIssued() {
        // RFC 9110 §11.1: the scheme is case-insensitive; a sloppy client is still a client.
        String header = goodBasic().replace("Basic ", "basic ");
        assertThat(postForm(header, GRANT).statusCode()).isEqualTo(200);
    }

    // ---- unsupported_grant_type ------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"password", "authorization_code", "foo", "refresh_token", "implicit",
            "urn:ietf:params:oauth:grant-type:jwt-bearer", "CLIENT_CREDENTIALS", "client_credentials%00", ""})
    void tokenRequestWhenOtherGrantTypeThenUnsupportedGrantType(String grantType) {
        assertError(postForm(goodBasic(), "grant_type=" + URLEncoder.encode(grantType, StandardCharsets.UTF_8)
                        .replace("%2500", "%00") + "&username=u&password=p&code=c&redirect_uri=https%3A%2F%2Fa.example"),
                400, "unsupported_grant_type");
    }

    // ---- invalid_scope ---------------------------------------------------------------------

    @Test
    void tokenRequestWhenScopeNotAllowedThenInvalidScope() {
        assertError(postForm(goodBasic(), GRANT + "&scope=admin"), 400, "invalid_scope");
    }

    @Test
    void tokenRequestWhenOneOfTheScopesNotAllowedThenInvalidScope() {
        assertError(postForm(goodBasic(), GRANT + "&scope=users%3Aread+admin"), 400, "invalid_scope");
    }

    @ParameterizedTest
    @ValueSource(strings = {"users%3Aread%22", "users%5Cread", "users%3Aread++users%3Awrite", "+users%3Aread",
            "users%3Aread+", "users%3Aread%09users%3Awrite", "%C3%A9", "%FF", "users%3Aread%00", "users%0D%0Aread"})
    void tokenRequestWhenInvalidScopeCharactersThenInvalidScope(String scope) {
        assertError(postForm(goodBasic(), GRANT + "&scope=" + scope), 400, "invalid_scope");
    }

    @Test
    void tokenRequestWhenTenKilobyteScopeTokenThenInvalidScope() {
        assertError(postForm(goodBasic(), GRANT + "&scope=" + "a".repeat(10 * 1024)), 400, "invalid_scope");
    }

    @Test
    void tokenRequestWhenTenKilobytesOfScopeTokensThenInvalidScope() {
        assertError(postForm(goodBasic(), GRANT + "&scope=" + "users%3Aread+".repeat(800) + "users%3Aread"),
                400, "invalid_scope");
    }

    // ---- invalid_target --------------------------------------------------------------------

    @Test
    void tokenRequestWhenResourceNotAllowedThenInvalidTarget() {
        assertError(postForm(goodBasic(), GRANT + "&resource=" + enc("https://evil.example/api")), 400, "invalid_target");
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "/t/10001/api", "not a uri", "https://a.example/api#fragment", "%00"})
    void tokenRequestWhenResourceNotAnAbsoluteUriThenInvalidTarget(String resource) {
        assertError(postForm(goodBasic(), GRANT + "&resource=" + enc(resource)), 400, "invalid_target");
    }

    @Test
    void tokenRequestWhenResourceIsTheDefaultAudienceThenIssued() {
        HttpResponse<String> response = postForm(goodBasic(), GRANT + "&resource=" + enc(server.issuer() + "/api"));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    // ---- PAM JSON shape --------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"99999", "../10001", "10001/../99999", "",
            "11111111111111111111111111111111111111111111111111111111111111111"})
    void pamTokenRequestWhenUnknownCustomerThenInvalidRequest(String customer) {
        assertError(postJson(pamPath(), pamBody(id(), secret(), customer)), 400, "invalid_request");
    }

    @Test
    void pamTokenRequestWhenNoCustomerThenInvalidRequest() {
        String body = "{\"grant_type\":\"client_credentials\",\"client_id\":\"" + id()
                + "\",\"client_secret\":\"" + secret() + "\"}";
        assertError(postJson(pamPath(), body), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"grant_type=client_credentials", "not json", "[]", "[{\"customer\":\"10001\"}]", "\"str\"",
            "42", "null", "{", "{\"customer\":\"10001\"", "{'customer':'10001'}", ""})
    void pamTokenRequestWhenBodyNotAJsonObjectThenInvalidRequest(String body) {
        assertError(postJson(pamPath(), body), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"grant_type\":\"client_credentials\",\"client_id\":\"ID\",\"client_secret\":\"SECRET\",\"customer\":10001}",
            "{\"grant_type\":\"client_credentials\",\"client_id\":123,\"client_secret\":\"SECRET\",\"customer\":\"10001\"}",
            "{\"grant_type\":\"client_credentials\",\"client_id\":\"ID\",\"client_secret\":[\"SECRET\"],\"customer\":\"10001\"}",
            "{\"grant_type\":true,\"client_id\":\"ID\",\"client_secret\":\"SECRET\",\"customer\":\"10001\"}",
            "{\"grant_type\":\"client_credentials\",\"client_id\":{\"a\":\"ID\"},\"client_secret\":\"SECRET\",\"customer\":\"10001\"}",
            "{\"grant_type\":\"client_credentials\",\"client_id\":\"ID\",\"client_secret\":\"SECRET\",\"customer\":[\"10001\"]}",
            "{\"grant_type\":\"client_credentials\",\"client_id\":\"ID\",\"client_secret\":\"SECRET\",\"customer\":\"10001\",\"scope\":7}",
    })
    void pamTokenRequestWhenNonStringValueThenInvalidRequest(String template) {
        String body = template.replace("\"ID\"", "\"" + id() + "\"").replace("\"SECRET\"", "\"" + secret() + "\"");
        assertError(postJson(pamPath(), body), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", FORM, "application/xml", "application/jsonx", "multipart/form-data; boundary=x"})
    void pamTokenRequestWhenWrongContentTypeThenInvalidRequest(String contentType) {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + pamPath()))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(pamBody(id(), secret(), "10001"))).build());
        assertError(response, 400, "invalid_request");
    }

    @Test
    void pamTokenRequestWhenNoContentTypeThenInvalidRequest() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + pamPath()))
                .POST(HttpRequest.BodyPublishers.ofString(pamBody(id(), secret(), "10001"))).build());
        assertError(response, 400, "invalid_request");
    }

    @Test
    void pamTokenRequestWhenDeeplyNestedJsonThenInvalidRequest() {
        String body = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        assertError(postJson(pamPath(), body), 400, "invalid_request");
    }

    @Test
    void pamTokenRequestWhenInvalidUtf8ThenInvalidRequest() {
        byte[] body = concat(ascii("{\"grant_type\":\"client_credentials\",\"client_id\":\""),
                new byte[] {(byte) 0xFF, (byte) 0xFE}, ascii("\",\"client_secret\":\"x\",\"customer\":\"10001\"}"));
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + pamPath()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertError(response, 400, "invalid_request");
    }

    @Test
    void pamTokenRequestWhenOneMegabyteThenPayloadTooLargeWithJsonError() {
        String body = "{\"pad\":\"" + "a".repeat(1024 * 1024) + "\"}";
        assertError(postJson(pamPath(), body), 413, "invalid_request");
    }

    @Test
    void pamTokenRequestWhenGetThenMethodNotAllowedWithJsonError() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + pamPath()))
                .GET().build());
        assertError(response, 405, "invalid_request");
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void pamTokenRequestWhenWrongSecretThenInvalidClient() {
        assertInvalidClient(postJson(pamPath(), pamBody(id(), "wrong", "10001")));
    }

    @Test
    void pamTokenRequestWhenUnknownClientThenInvalidClient() {
        assertInvalidClient(postJson(pamPath(), pamBody("no-such-client", secret(), "10001")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u0000", "\\r\\n", "\\n"})
    void pamTokenRequestWhenControlCharactersInClientIdThenInvalidClient(String injected) {
        assertInvalidClient(postJson(pamPath(), pamBody(id() + injected, secret(), "10001")));
    }

    @Test
    void pamTokenRequestWhenNoSecretThenInvalidClient() {
        String body = "{\"grant_type\":\"client_credentials\",\"client_id\":\"" + id() + "\",\"customer\":\"10001\"}";
        assertInvalidClient(postJson(pamPath(), body));
    }

    @Test
    void pamTokenRequestWhenOtherGrantTypeThenUnsupportedGrantType() {
        String body = pamBody(id(), secret(), "10001").replace("client_credentials", "password");
        assertError(postJson(pamPath(), body), 400, "unsupported_grant_type");
    }

    @Test
    void pamTokenRequestWhenNoGrantTypeThenInvalidRequest() {
        String body = "{\"client_id\":\"" + id() + "\",\"client_secret\":\"" + secret() + "\",\"customer\":\"10001\"}";
        assertError(postJson(pamPath(), body), 400, "invalid_request");
    }

    @Test
    void pamTokenRequestWhenScopeNotAllowedThenInvalidScope() {
        String body = pamBody(id(), secret(), "10001").replace("}", ",\"scope\":\"admin\"}");
        assertError(postJson(pamPath(), body), 400, "invalid_scope");
    }

    // ---- nothing stored or changed ---------------------------------------------------------

    @Test
    void hostileBatchWhenSentThenStoresAndChangesNothingAndACorrectRequestStillWorks() {
        Snapshot before = Snapshot.of(server.app().store());

        List<Supplier<Answer>> batch = hostileBatch();
        for (Supplier<Answer> request : batch) {
            Answer answer = request.get();
            assertThat(answer.status()).as(answer.toString()).isBetween(400, 499);
            assertErrorShape(answer);
        }

        Snapshot after = Snapshot.of(server.app().store());
        assertThat(after.tenants()).isEqualTo(before.tenants());
        assertThat(after.scopes()).isEqualTo(before.scopes());
        assertThat(after.keys()).isEqualTo(before.keys());
        assertThat(after.clients()).isEqualTo(before.clients());
        for (TenantId tenant : before.clients().keySet()) {
            List<ClientCredential> was = before.clients().get(tenant);
            List<ClientCredential> is = after.clients().get(tenant);
            for (int i = 0; i < was.size(); i++) {
                assertThat(is.get(i).updatedAt()).isEqualTo(was.get(i).updatedAt());
                assertThat(is.get(i).secrets()).isEqualTo(was.get(i).secrets());
                assertThat(is.get(i).enabled()).isEqualTo(was.get(i).enabled());
            }
        }

        HttpResponse<String> good = postForm(goodBasic(), GRANT);
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(json(good.body()).get("access_token")).isInstanceOf(String.class);
        HttpResponse<String> goodPam = postJson(pamPath(), pamBody(id(), secret(), "10001"));
        assertThat(goodPam.statusCode()).isEqualTo(200);
    }

    private static List<Supplier<Answer>> hostileBatch() {
        List<Supplier<Answer>> batch = new ArrayList<>();
        String wrong = secret().substring(1) + "A";
        for (int i = 0; i < 5; i++) {
            // Repeated failures against a real client: no counter, lockout or timestamp may be written.
            batch.add(() -> answer(postForm(basic(id(), wrong), GRANT)));
            batch.add(() -> answer(postForm(null, GRANT + "&client_id=" + id() + "&client_secret=" + wrong)));
            batch.add(() -> answer(postJson(pamPath(), pamBody(id(), wrong, "10001"))));
        }
        batch.add(() -> answer(postForm(basic("no-such-client", secret()), GRANT)));
        batch.add(() -> answer(postForm(goodBasic(), "scope=users%3Aread")));
        batch.add(() -> answer(postForm(goodBasic(), GRANT + "&" + GRANT)));
        batch.add(() -> answer(postForm(goodBasic(), GRANT + "&client_id=" + id() + "&client_secret=" + secret())));
        batch.add(() -> answer(postForm(goodBasic(), "grant_type=password&username=admin&password=admin")));
        batch.add(() -> answer(postForm(goodBasic(), GRANT + "&scope=admin")));
        batch.add(() -> answer(postForm(goodBasic(), GRANT + "&scope=" + "a".repeat(10 * 1024))));
        batch.add(() -> answer(postForm(goodBasic(), GRANT + "&resource=" + enc("https://evil.example/"))));
        batch.add(() -> answer(postForm(goodBasic(), GRANT + "&resource=relative")));
        batch.add(() -> answer(postForm("Basic !!!", GRANT)));
        batch.add(() -> answer(postForm("Bearer xyz", GRANT)));
        batch.add(() -> answer(postForm(null, GRANT + "&client_id=" + id() + "%00&client_secret=" + secret())));
        batch.add(() -> answer(postForm(rawBasic(id() + "\r\n", secret()), GRANT)));
        batch.add(() -> answer(server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", goodBasic()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build())));
        batch.add(() -> answer(server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", goodBasic()).GET().build())));
        batch.add(() -> answer(server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", goodBasic()).header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(ascii(GRANT + "&pad=" + "a".repeat(1024 * 1024))))
                .build())));
        batch.add(() -> answer(server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", goodBasic()).header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(concat(ascii(GRANT + "&x="), new byte[] {(byte) 0xFF})))
                .build())));
        batch.add(() -> answer(server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/99999/oauth2/token"))
                .header("Authorization", goodBasic()).header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT)).build())));
        batch.add(() -> answer(server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth/token?" + GRANT
                        + "&client_id=" + id() + "&client_secret=" + secret()))
                .POST(HttpRequest.BodyPublishers.noBody()).build())));
        batch.add(() -> answer(postJson(pamPath(), pamBody(id(), secret(), "99999"))));
        batch.add(() -> answer(postJson(pamPath(), "[]")));
        batch.add(() -> answer(postJson(pamPath(), "{\"customer\":10001}")));
        batch.add(() -> answer(postJson(pamPath(), "{\"a\":".repeat(5000) + "1" + "}".repeat(5000))));
        batch.add(() -> raw(ascii("POST /t/10001/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                + goodBasic() + "\r\nAuthorization: " + goodBasic() + "\r\nContent-Type: " + FORM
                + "\r\nContent-Length: " + GRANT.length() + "\r\nConnection: close\r\n\r\n" + GRANT)));
        return batch;
    }

    /** What the store holds, compared field by field before and after the hostile batch. */
    private record Snapshot(List<Tenant> tenants, Map<TenantId, List<ClientCredential>> clients,
                            Map<TenantId, List<ScopeDefinition>> scopes, Map<TenantId, List<String>> keys) {

        static Snapshot of(Store store) {
            List<Tenant> tenants = store.tenants().list();
            Map<TenantId, List<ClientCredential>> clients = new LinkedHashMap<>();
            Map<TenantId, List<ScopeDefinition>> scopes = new LinkedHashMap<>();
            Map<TenantId, List<String>> keys = new LinkedHashMap<>();
            for (Tenant tenant : tenants) {
                clients.put(tenant.id(), store.clients().list(tenant.id()));
                scopes.put(tenant.id(), store.scopes().list(tenant.id()));
                keys.put(tenant.id(), store.keys().list(tenant.id()).stream().map(Snapshot::describe).toList());
            }
            return new Snapshot(tenants, clients, scopes, keys);
        }

        private static String describe(SigningKey key) {
            return String.join("|", key.kid(), key.algorithm().name(), key.state().name(),
                    String.valueOf(key.createdAt()), String.valueOf(key.activatedAt()),
                    String.valueOf(key.retiredAt()), String.valueOf(key.publishUntil()),
                    key.privateJwk().toJSONString());
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** A response from either client, with header names in lower case. */
    record Answer(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private static Answer answer(HttpResponse<String> response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        return new Answer(response.statusCode(), headers, response.body());
    }

    private static JSONObject assertError(HttpResponse<String> response, int status, String error) {
        return assertError(answer(response), status, error);
    }

    private static JSONObject assertError(Answer answer, int status, String error) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        JSONObject json = assertErrorShape(answer);
        assertThat(json.get("error")).as(answer.toString()).isEqualTo(error);
        return json;
    }

    /** JSON, no-store, an RFC 6749 §5.2 error object, no stack trace. */
    private static JSONObject assertErrorShape(Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isLessThan(500);
        assertThat(answer.header("Content-Type")).as(answer.toString()).startsWith("application/json");
        assertThat(answer.header("Cache-Control")).as(answer.toString()).isEqualTo("no-store");
        assertThat(answer.body()).doesNotContain("Exception", "\tat ", "dev.tollgate");
        JSONObject json = json(answer.body());
        assertThat(json.get("error")).isInstanceOf(String.class);
        // RFC 6749 §5.2: error and error_description are %x20-21 / %x23-5B / %x5D-7E only.
        assertThat((String) json.get("error")).matches("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+");
        Object description = json.get("error_description");
        if (description != null) {
            assertThat((String) description).matches("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]*");
        }
        return json;
    }

    private static void assertInvalidClient(HttpResponse<String> response) {
        assertInvalidClient(answer(response));
    }

    private static void assertInvalidClient(Answer answer) {
        assertError(answer, 401, "invalid_client");
        assertThat(answer.header("WWW-Authenticate")).as(answer.toString()).startsWith("Basic realm=");
    }

    private static JSONObject json(String body) {
        try {
            return JSONObjectUtils.parse(body);
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new AssertionError("not a JSON object: " + body, e);
        }
    }

    private static HttpResponse<String> postForm(String authorization, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return server.send(builder.build());
    }

    private static HttpResponse<String> postJson(String path, String body) {
        return server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String pamPath() {
        return "/pam/apps/autheticate/oauth/token-generation/";
    }

    private static String pamBody(String clientId, String secret, String customer) {
        return "{\"grant_type\":\"client_credentials\",\"client_id\":\"" + clientId + "\",\"client_secret\":\""
                + secret + "\",\"customer\":\"" + customer + "\"}";
    }

    private static String id() {
        return client.client().clientId().value();
    }

    private static String secret() {
        return client.secret().reveal();
    }

    private static String goodBasic() {
        return basic(id(), secret());
    }

    /** RFC 6749 §2.3.1 Basic: id and secret form-urlencoded, then joined and Base64-encoded. */
    private static String basic(String clientId, String secret) {
        return rawBasic(enc(clientId), enc(secret));
    }

    private static String rawBasic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * Sends bytes java.net.http refuses to send and reads one answer: status line and headers, then
     * a body of Content-Length bytes or chunked (the server may keep the connection open).
     */
    static Answer raw(byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String head = readLine(in);
            int status = Integer.parseInt(head.split(" ")[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            List<String> length = headers.get("content-length");
            List<String> encoding = headers.get("transfer-encoding");
            if (length != null) {
                body.writeBytes(in.readNBytes(Integer.parseInt(length.get(0))));
            } else if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
                for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                    body.writeBytes(in.readNBytes(size));
                    readLine(in);
                }
            } else {
                body.writeBytes(in.readAllBytes());
            }
            return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int chunkSize(InputStream in) throws IOException {
        return Integer.parseInt(readLine(in).split(";")[0].strip(), 16);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-line: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
