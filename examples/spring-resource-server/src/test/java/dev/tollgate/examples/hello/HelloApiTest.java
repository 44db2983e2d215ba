package dev.tollgate.examples.hello;

import dev.tollgate.client.TokenClient;
import dev.tollgate.client.TokenScope;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.Tollgate;
import dev.tollgate.server.TollgateServer;
import dev.tollgate.store.StoreConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example API against a real Tollgate: the server runs in this JVM on an ephemeral port with
 * an embedded store in a temporary directory; tokens are fetched over HTTP with tollgate-client;
 * the Spring Boot app finds the keys through the tenant's issuer, as configured in production.
 */
class HelloApiTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final TenantId OTHER_TENANT = TenantId.of("10002");
    private static final String AUDIENCE = "https://hello.example.com";
    private static final TokenScope READ = TokenScope.of(Set.of("users:read"), AUDIENCE);

    private static Path dataDir;
    private static Tollgate tollgate;
    private static TollgateServer tollgateServer;
    private static ConfigurableApplicationContext hello;
    private static URI helloUri;
    private static String callerId;
    private static TokenClient caller;
    private static TokenClient defaultClient;
    private static TokenClient otherTenantCaller;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        dataDir = Files.createTempDirectory("tollgate-example");
        ServerConfig config = ServerConfig.builder().port(0).managementPort(0).store(StoreConfig.embedded(dataDir))
                .defaultTenant(TENANT).build();
        tollgate = Tollgate.open(config, Clock.systemUTC());
        ProvisionedTenant tenant = tollgate.bootstrap(TENANT).orElseThrow();
        tollgateServer = TollgateServer.start(tollgate, config);
        String issuer = tollgateServer.baseUrl() + "/t/" + TENANT.value();

        // As `tollgate client create --tenant 10001 --name hello-caller --scopes users:read,users:write
        // --audience https://hello.example.com` would.
        ClientWithSecret helloCaller = createCaller(TENANT);
        callerId = helloCaller.client().clientId().value();
        caller = tokenClient(TENANT, helloCaller);
        defaultClient = tokenClient(TENANT, tenant.clients().stream()
                .filter(c -> c.client().builtin() == BuiltinClient.DEFAULT).findFirst().orElseThrow());
        tollgate.adminOperations().tenants().create(Actor.cli(OTHER_TENANT), OTHER_TENANT, "Tenant 10002",
                TenantSettings.DEFAULTS);
        otherTenantCaller = tokenClient(OTHER_TENANT, createCaller(OTHER_TENANT));

        // Arguments, as on a command line: they take precedence over application.yml.
        hello = new SpringApplicationBuilder(HelloApplication.class)
                .run("--server.port=0", "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer);
        int port = ((WebServerApplicationContext) hello).getWebServer().getPort();
        helloUri = URI.create("http://127.0.0.1:" + port + "/hello");
    }

    private static ClientWithSecret createCaller(TenantId tenant) {
        return tollgate.adminOperations().clients().create(Actor.cli(tenant), tenant, new ClientSpec("hello-caller",
                ScopeSet.of("users:read", "users:write"), null, List.of(AUDIENCE), null, null));
    }

    private static TokenClient tokenClient(TenantId tenant, ClientWithSecret client) {
        return TokenClient.builder()
                .tokenEndpoint(URI.create(tollgateServer.baseUrl() + "/t/" + tenant.value() + "/oauth2/token"))
                .clientId(client.client().clientId().value())
                .clientSecret(client.secret().reveal())
                .build();
    }

    @AfterAll
    static void stop() throws IOException {
        if (hello != null) {
            hello.close();
        }
        if (tollgateServer != null) {
            tollgateServer.close();
        }
        if (tollgate != null) {
            tollgate.close();
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void helloWhenTokenHasScopeAndAudienceThenOk() throws Exception {
        HttpResponse<String> response = get(caller.accessToken(READ));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("hello, " + callerId).contains("\"tenant\":\"10001\"");
    }

    @Test
    void helloWhenCalledThroughTollgateClientSendThenOk() throws Exception {
        HttpResponse<String> response = caller.send(HttpRequest.newBuilder(helloUri).GET(),
                HttpResponse.BodyHandlers.ofString(), READ);

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void helloWhenNoTokenThenUnauthorized() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(helloUri).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        // RFC 6750 §3.1: no credentials at all, so no error code (Spring Security 7.1 adds
        // resource_metadata, RFC 9728 §5.1).
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer").doesNotContain("error=");
    }

    @Test
    void helloWhenTokenOfAnotherTenantThenInvalidToken() throws Exception {
        // Same client name, scopes and audience, but signed by tenant 10002 with its iss.
        assertInvalidToken(get(otherTenantCaller.accessToken(READ)));
    }

    @Test
    void helloWhenTokenTamperedThenInvalidToken() throws Exception {
        String[] parts = caller.accessToken(READ).split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = claims.replace(callerId, "someone-else");
        assertThat(forged).isNotEqualTo(claims);
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        assertInvalidToken(get(tampered));
    }

    @Test
    void helloWhenTokenForAnotherAudienceThenInvalidToken() throws Exception {
        // The default credential has no allowed audiences, so its tokens are for <issuer>/api (the
        // built-in users API) and carry users:read: right scope, wrong API.
        String token = defaultClient.accessToken(TokenScope.of(Set.of("users:read")));
        assertThat(claims(token)).contains("\"aud\":\"" + tollgateServer.baseUrl() + "/t/10001/api\"");

        assertInvalidToken(get(token));
    }

    @Test
    void helloWhenTokenLacksScopeThenInsufficientScope() throws Exception {
        HttpResponse<String> response = get(caller.accessToken(TokenScope.of(Set.of("users:write"), AUDIENCE)));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer error=\"insufficient_scope\"");
    }

    @Test
    void issuerUriDiscoveryWhenResourceServerStartsThenReadsTheOpenIdConfigurationBelowTheIssuer() throws Exception {
        assertThat(get(caller.accessToken(READ)).statusCode()).isEqualTo(200);

        // Spring tries <issuer>/.well-known/openid-configuration first and stops there, since it answers.
        String metrics = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + tollgateServer.managementPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern(
                "tollgate_http_requests_seconds_count\\{route=\"/t/\\{tenant}/.well-known/openid-configuration\",status=\"2xx\"} 1");
        // ...so the RFC 8414 forms (well-known segment before the issuer's path) are never asked for.
        assertThat(metrics).doesNotContainPattern(
                "tollgate_http_requests_seconds_count\\{route=\"/\\.well-known/[^\"]*\",[^}]*} [1-9]");
    }

    private static void assertInvalidToken(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer error=\"invalid_token\"");
    }

    private static HttpResponse<String> get(String token) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(helloUri).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String claims(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }
}
