package dev.tollgate.server.http;

import dev.tollgate.server.Administration;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.TestServer;
import net.minidev.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The exact requests of the two reference documents in shared/reference succeed and get the
 * documented fields: the PAM JSON token request (000_1f45e77e68fb52b6.txt) and the payment
 * gateway's {@code POST /oauth/token?grant_type=...&client_id=...&client_secret=...} (004_e57e756d17e48e14.txt).
 */
class ReferenceShapesTest {

    private static final TenantId TENANT = TenantId.of("10001");

    private TestServer server;
    private ClientWithSecret client;

    @BeforeEach
    void start() {
        server = TestServer.embedded();
        client = server.defaultClient();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---- PAM JSON shape (000) --------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "//pam/apps/autheticate/oauth/token-generation/",
            "/pam/apps/autheticate/oauth/token-generation/",
            "/pam/apps/autheticate/oauth/token-generation",
            "//pam/apps/autheticate/oauth/token-generation",
            "/pam/apps/authenticate/oauth/token-generation/",
            "/pam/apps/authenticate/oauth/token-generation",
            "//pam/apps/authenticate/oauth/token-generation/",
    })
    void pamReferenceRequestWhenSentThenTokenWithDocumentedFields(String path) throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(pamDocumentBody())).build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JSONObject answer = json(response.body());
        assertThat(answer.get("token_type")).isEqualTo("Bearer");
        assertThat(((Number) answer.get("expires_in_minutes")).longValue()).isEqualTo(60);
        assertThat(((Number) answer.get("expires_in")).longValue()).isEqualTo(3600);
        JWTClaimsSet claims = verifiedClaims((String) answer.get("access_token"));
        assertThat(claims.getStringClaim("customer_id")).isEqualTo("10001");
        assertThat(claims.getStringClaim("client_id")).isEqualTo(clientId());
        assertThat(claims.getSubject()).isEqualTo(clientId());
        assertThat(claims.getStringClaim("client_name")).isEqualTo("Default Client Credential");
        assertThat(claims.getIssuer()).isEqualTo(server.issuer());
    }

    /** The document's URL and body sent by curl, the way a reader of the document would. */
    @Test
    void pamReferenceRequestWhenSentWithCurlThenToken() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        Curl result = curl("-s", "-X", "POST", server.baseUrl() + "//pam/apps/autheticate/oauth/token-generation/",
                "-H", "Content-Type: application/json", "--data-binary", pamDocumentBody());
        assertThat(result.status()).as(result.body()).isEqualTo(200);
        JSONObject answer = json(result.body());
        assertThat(answer.get("token_type")).isEqualTo("Bearer");
        assertThat(((Number) answer.get("expires_in_minutes")).longValue()).isEqualTo(60);
        assertThat(verifiedClaims((String) answer.get("access_token")).getStringClaim("customer_id")).isEqualTo("10001");
    }

    // ---- payment gateway shape (004) -------------------------------------------------------

    @Test
    void referenceQueryCredentialsWhenSettingOffThenInvalidRequestNamingTheSetting() {
        HttpResponse<String> response = server.send(referenceQueryRequest(secret()));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JSONObject error = json(response.body());
        assertThat(error.get("error")).isEqualTo("invalid_request");
        assertThat((String) error.get("error_description")).contains("allow-query-credentials");
        assertThat(response.body()).doesNotContain(secret());
    }

    @Test
    void referenceQueryCredentialsWhenSettingOnThenTokenWithDocumentedFieldsAndJti() throws Exception {
        allowQueryCredentials();

        HttpResponse<String> response = server.send(referenceQueryRequest(secret()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertDocumentedTokenAnswer(json(response.body()));
    }

    @Test
    void referenceQueryCredentialsWhenSettingOnAndWrongSecretThenInvalidClient() {
        allowQueryCredentials();

        HttpResponse<String> response = server.send(referenceQueryRequest("wrong" + secret()));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response.body()).get("error")).isEqualTo("invalid_client");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Basic realm="));
    }

    @Test
    void referenceQueryCredentialsWhenSettingSwitchedOffAgainThenRefusedAgain() {
        allowQueryCredentials();
        assertThat(server.send(referenceQueryRequest(secret())).statusCode()).isEqualTo(200);

        Administration.of(server.app()).tenants.updateSettings(TENANT, s -> s.withAllowQueryCredentials(false));

        HttpResponse<String> response = server.send(referenceQueryRequest(secret()));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("error")).isEqualTo("invalid_request");
    }

    @Test
    void legacyPathWithFormBodyAndBasicWhenSettingOffThenTokenWithJti() throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth/token"))
                .header("Authorization", "Basic " + basicCredentials())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertDocumentedTokenAnswer(json(response.body()));
    }

    @Test
    void legacyPathWithCredentialsInFormBodyWhenSettingOffThenTokenWithJti() throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + clientId()
                        + "&client_secret=" + secret())).build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertDocumentedTokenAnswer(json(response.body()));
    }

    /** The document's own curl line ({@code --location --globoff --request POST '<url>'}), run by curl. */
    @Test
    void referenceQueryRequestWhenSentWithCurlThenToken() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        Curl refused = curl("-s", "--location", "--globoff", "--request", "POST", referenceQueryUrl(secret()));
        assertThat(refused.status()).isEqualTo(400);
        assertThat((String) json(refused.body()).get("error_description")).contains("allow-query-credentials");

        allowQueryCredentials();

        Curl accepted = curl("-s", "--location", "--globoff", "--request", "POST", referenceQueryUrl(secret()));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertDocumentedTokenAnswer(json(accepted.body()));
    }

    // ---- query-string secrets are never logged ---------------------------------------------

    @Test
    void logsWhenQueryStringSecretsOtherCredentialsAndIssuedTokensThenNeverLoggedEvenAtTrace() throws Exception {
        String wrongSecret = "wrong" + secret();
        List<String> issuedTokens = new ArrayList<>();
        List<ILoggingEvent> events;
        try (LogCapture capture = LogCapture.everythingAtTrace()) {
            HttpResponse<String> refused = server.send(referenceQueryRequest(secret()));
            assertThat(refused.statusCode()).isEqualTo(400);

            allowQueryCredentials();

            HttpResponse<String> accepted = server.send(referenceQueryRequest(secret()));
            assertThat(accepted.statusCode()).isEqualTo(200);
            issuedTokens.add((String) json(accepted.body()).get("access_token"));
            HttpResponse<String> wrong = server.send(referenceQueryRequest(wrongSecret));
            assertThat(wrong.statusCode()).isEqualTo(401);
            // A query credential on the canonical endpoint too, and in a malformed request.
            server.send(HttpRequest.newBuilder(URI.create(server.tokenEndpoint() + "?grant_type=client_credentials"
                    + "&client_id=" + clientId() + "&client_secret=" + secret())).POST(HttpRequest.BodyPublishers.noBody()).build());
            server.send(HttpRequest.newBuilder(URI.create(referenceQueryUrl(secret()) + "&scope=nope%00"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            // The other ways a secret travels: a Basic header, a form body and the PAM JSON body.
            HttpResponse<String> basic = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth/token"))
                    .header("Authorization", "Basic " + basicCredentials())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
            issuedTokens.add((String) json(basic.body()).get("access_token"));
            HttpResponse<String> form = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + clientId()
                            + "&client_secret=" + secret())).build());
            issuedTokens.add((String) json(form.body()).get("access_token"));
            HttpResponse<String> pam = server.send(HttpRequest.newBuilder(
                            URI.create(server.baseUrl() + "//pam/apps/autheticate/oauth/token-generation/"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(pamDocumentBody())).build());
            issuedTokens.add((String) json(pam.body()).get("access_token"));
            events = capture.events();
        }

        // The capture really sees the server's own debug logging, so an empty list proves nothing leaked.
        assertThat(events).anySatisfy(e -> assertThat(e.getLoggerName()).isEqualTo(TokenEndpoint.class.getName()));
        List<String> secrets = new ArrayList<>(List.of(secret(), wrongSecret, basicCredentials()));
        secrets.addAll(issuedTokens);
        for (ILoggingEvent event : events) {
            String text = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()))
                    + event.getMDCPropertyMap()
                    + (event.getKeyValuePairs() == null ? "" : event.getKeyValuePairs().toString());
            for (String secret : secrets) {
                assertThat(text).as("log event of %s", event.getLoggerName()).doesNotContain(secret);
            }
        }
    }

    /**
     * Every log event, from every logger at TRACE (Helidon's java.util.logging records included,
     * bridged the way the CLI bridges them), for the duration of a try block.
     */
    private static final class LogCapture implements AutoCloseable {
        private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Map<Logger, Level> savedLevels = new LinkedHashMap<>();
        private final java.util.logging.Level savedJulLevel = java.util.logging.Logger.getLogger("").getLevel();
        private final boolean bridgeWasInstalled = SLF4JBridgeHandler.isInstalled();

        static LogCapture everythingAtTrace() {
            LogCapture capture = new LogCapture();
            capture.start();
            return capture;
        }

        private void start() {
            appender.setContext(context);
            appender.start();
            for (Logger logger : context.getLoggerList()) {
                if (logger.getLevel() != null) {
                    savedLevels.put(logger, logger.getLevel());
                    logger.setLevel(Level.TRACE);
                }
            }
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
            if (!bridgeWasInstalled) {
                SLF4JBridgeHandler.install();
            }
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.ALL);
        }

        List<ILoggingEvent> events() {
            return List.copyOf(appender.list);
        }

        @Override
        public void close() {
            java.util.logging.Logger.getLogger("").setLevel(savedJulLevel);
            if (!bridgeWasInstalled) {
                SLF4JBridgeHandler.uninstall();
            }
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
            appender.stop();
            savedLevels.forEach(Logger::setLevel);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** The request body exactly as the document prints it, with this server's credentials filled in. */
    private String pamDocumentBody() {
        return "{\n"
                + "\"grant_type\": \"client_credentials\",\n"
                + "\"client_id\": \"" + clientId() + "\",\n"
                + "\"client_secret\": \"" + secret() + "\",\n"
                + "\"customer\": \"10001\"\n"
                + "}";
    }

    private String referenceQueryUrl(String secret) {
        return server.baseUrl() + "/oauth/token?grant_type=client_credentials&client_id=" + clientId()
                + "&client_secret=" + secret;
    }

    /** {@code POST {{Host}}/oauth/token?grant_type=...&client_id=...&client_secret=...} with no body, as documented. */
    private HttpRequest referenceQueryRequest(String secret) {
        return HttpRequest.newBuilder(URI.create(referenceQueryUrl(secret)))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private void allowQueryCredentials() {
        Administration.of(server.app()).tenants.updateSettings(TENANT, s -> s.withAllowQueryCredentials(true));
    }

    /** access_token, token_type, expires_in, scope as document 004 lists them, plus jti matching the token. */
    private void assertDocumentedTokenAnswer(JSONObject answer) throws Exception {
        assertThat(answer.get("token_type")).isEqualTo("Bearer");
        assertThat(((Number) answer.get("expires_in")).longValue()).isEqualTo(3600);
        assertThat(answer.get("scope")).isEqualTo("users:read users:write");
        assertThat(answer.get("jti")).isInstanceOf(String.class);
        JWTClaimsSet claims = verifiedClaims((String) answer.get("access_token"));
        assertThat(claims.getJWTID()).isEqualTo(answer.get("jti"));
        assertThat(claims.getStringClaim("client_id")).isEqualTo(clientId());
        assertThat(claims.getStringClaim("customer_id")).isEqualTo("10001");
        assertThat(claims.getStringClaim("scope")).isEqualTo("users:read users:write");
    }

    /** Parses the token as a JWS, checks its signature against the tenant's published JWKS, returns the claims. */
    private JWTClaimsSet verifiedClaims(String token) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        HttpResponse<String> jwks = server.send(HttpRequest.newBuilder(server.jwksUri()).GET().build());
        assertThat(jwks.statusCode()).isEqualTo(200);
        JWK key = JWKSet.parse(jwks.body()).getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("kid %s in the JWKS", jwt.getHeader().getKeyID()).isNotNull();
        JWSVerifier verifier = switch (key) {
            case ECKey ec -> new ECDSAVerifier(ec);
            case RSAKey rsa -> new RSASSAVerifier(rsa);
            case OctetKeyPair okp -> new Ed25519Verifier(okp);
            default -> throw new AssertionError("unexpected key type " + key.getKeyType());
        };
        assertThat(jwt.verify(verifier)).as("signature").isTrue();
        return jwt.getJWTClaimsSet();
    }

    private String basicCredentials() {
        return Base64.getEncoder().encodeToString((clientId() + ":" + secret()).getBytes(StandardCharsets.UTF_8));
    }

    private String clientId() {
        return client.client().clientId().value();
    }

    private String secret() {
        return client.secret().reveal();
    }

    private static JSONObject json(String body) {
        try {
            return JSONObjectUtils.parse(body);
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new AssertionError("not a JSON object: " + body, e);
        }
    }

    private record Curl(int status, String body) {
    }

    /** Runs curl with the given arguments plus a trailer line carrying the HTTP status. */
    private static Curl curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("/usr/bin/curl");
        command.addAll(List.of(args));
        command.addAll(List.of("--max-time", "20", "--write-out", "\n%{http_code}"));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("curl exit code; stderr: %s",
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        int newline = out.lastIndexOf('\n');
        return new Curl(Integer.parseInt(out.substring(newline + 1).strip()), out.substring(0, newline));
    }
}
