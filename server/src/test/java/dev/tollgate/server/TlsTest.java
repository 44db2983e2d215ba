package dev.tollgate.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.config.TlsConfig;
import dev.tollgate.store.StoreConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * HTTPS on the public listener (issue 5, point 6) with a certificate for 127.0.0.1 issued by a
 * test CA that {@code openssl} makes here: {@code curl --cacert} works, TLS 1.2 and 1.3 are
 * spoken and TLS 1.1 is refused at the handshake, HSTS is sent, the optional plain-HTTP listener
 * redirects with 308, issuers are https, and PEM and PKCS#12 both work while a wrong password or a
 * key that doesn't belong to the certificate stops the start.
 */
class TlsTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final String KEYSTORE_PASSWORD = "k3ystore-Pass";

    @TempDir
    static Path dir;

    private static Path caPem;
    private static Path serverPem;
    private static Path serverKey;
    private static Path otherKey;
    private static Path p12;
    private static Path p12Unnamed;

    private static Running pem;

    /** One in-process server: the app, its listener and the bootstrapped default client. */
    private record Running(Tollgate app, TollgateServer server, ClientWithSecret defaultClient) implements AutoCloseable {
        String base() {
            return "https://127.0.0.1:" + server.port();
        }

        @Override
        public void close() {
            server.close();
            app.close();
        }
    }

    private record Result(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void certificatesAndServer() throws Exception {
        TestCa ca = TestCa.create(dir);
        caPem = ca.caPem();
        serverPem = ca.serverPem();
        serverKey = ca.serverKey();
        otherKey = dir.resolve("other.key");
        p12 = dir.resolve("server.p12");
        p12Unnamed = dir.resolve("unnamed.p12");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKey.toString());
        openssl("pkcs12", "-export", "-inkey", serverKey.toString(), "-in", serverPem.toString(), "-certfile",
                caPem.toString(), "-name", "tollgate", "-passout", "pass:" + KEYSTORE_PASSWORD, "-out", p12.toString());
        // Without -name, Java's PKCS12 KeyStore calls the entry "1".
        openssl("pkcs12", "-export", "-inkey", serverKey.toString(), "-in", serverPem.toString(), "-certfile",
                caPem.toString(), "-passout", "pass:" + KEYSTORE_PASSWORD, "-out", p12Unnamed.toString());

        pem = start(new TlsConfig(serverPem, serverKey, null, new char[0], freePort(), Duration.ofDays(365)));
    }

    @AfterAll
    static void stop() {
        if (pem != null) {
            pem.close();
        }
    }

    // ---------------------------------------------------------------- curl

    @Test
    void curlWhenGivenTheCaCertificateThenFetchesTheJwksOverHttps() throws Exception {
        Result curl = curl("--fail", "--cacert", caPem.toString(), pem.base() + "/t/10001/oauth2/jwks");

        assertThat(curl.exitCode()).as(curl.err()).isZero();
        assertThat(JSONObjectUtils.parse(curl.out())).containsKey("keys");
    }

    @Test
    void curlWhenWithoutTheCaCertificateThenRefusesTheServer() throws Exception {
        Result curl = curl(pem.base() + "/t/10001/oauth2/jwks");

        assertThat(curl.exitCode()).as("curl: certificate problem (60)").isEqualTo(60);
    }

    @Test
    void curlWhenTokenRequestedWithTheDefaultClientThenIssuedAndItsIssuerIsHttps() throws Exception {
        ClientWithSecret client = pem.defaultClient();

        Result curl = curl("--cacert", caPem.toString(), "-u",
                client.client().clientId().value() + ":" + client.secret().reveal(),
                "-d", "grant_type=client_credentials", pem.base() + "/t/10001/oauth2/token");

        assertThat(curl.exitCode()).as(curl.err()).isZero();
        Map<String, Object> json = JSONObjectUtils.parse(curl.out());
        assertThat(json).as(curl.out()).containsEntry("token_type", "Bearer").containsKey("access_token");
        Map<String, Object> claims = claims((String) json.get("access_token"));
        assertThat(claims.get("iss")).isEqualTo(pem.base() + "/t/10001");
    }

    @Test
    void handshakeWhenTls12OrTls13ThenEachNegotiated() throws Exception {
        Result tls12 = curl("-v", "--fail", "--cacert", caPem.toString(), "--tlsv1.2", "--tls-max", "1.2",
                pem.base() + "/t/10001/oauth2/jwks");
        Result tls13 = curl("-v", "--fail", "--cacert", caPem.toString(), "--tlsv1.3",
                pem.base() + "/t/10001/oauth2/jwks");

        assertThat(tls12.exitCode()).as(tls12.err()).isZero();
        assertThat(tls12.err()).contains("SSL connection using TLSv1.2");
        assertThat(tls13.exitCode()).as(tls13.err()).isZero();
        assertThat(tls13.err()).contains("SSL connection using TLSv1.3");
    }

    @Test
    void handshakeWhenTls11ThenRefusedByTheServer() throws Exception {
        // SECLEVEL=0 lets this OpenSSL offer TLS 1.1 at all, so the refusal seen is the server's.
        Result curl = curl("-v", "--cacert", caPem.toString(), "--tlsv1.1", "--tls-max", "1.1",
                "--ciphers", "DEFAULT@SECLEVEL=0", pem.base() + "/t/10001/oauth2/jwks");

        assertThat(curl.exitCode()).as("curl: handshake failed (35)%n%s", curl.err()).isEqualTo(35);
        assertThat(curl.err()).contains("TLSv1.1 (OUT), TLS handshake, Client hello").doesNotContain("HTTP/1.1 200");

        for (String version : List.of("-tls1_1", "-tls1")) {
            Result sClient = run(List.of("openssl", "s_client", version, "-cipher", "DEFAULT@SECLEVEL=0",
                    "-connect", "127.0.0.1:" + pem.server().port(), "-servername", "127.0.0.1"), "");
            String all = sClient.out() + sClient.err();
            assertThat(sClient.exitCode()).as(all).isNotZero();
            // The server answered the ClientHello with a protocol_version alert: no session was made.
            assertThat(all).as(all).contains("alert protocol version");
            assertThat(all).contains("no peer certificate available").contains("Cipher is (NONE)");
        }
        // The same client, allowed 1.2, connects: the refusal above is about the version only.
        Result sClient12 = run(List.of("openssl", "s_client", "-tls1_2", "-CAfile", caPem.toString(),
                "-connect", "127.0.0.1:" + pem.server().port()), "");
        assertThat(sClient12.out()).contains("Protocol  : TLSv1.2").contains("Verify return code: 0 (ok)");
    }

    @Test
    void httpsResponsesWhenServedThenCarryStrictTransportSecurity() throws Exception {
        Result jwks = curl("-sS", "-D", "-", "-o", "/dev/null", "--cacert", caPem.toString(),
                pem.base() + "/t/10001/oauth2/jwks");
        Result refused = curl("-sS", "-D", "-", "-o", "/dev/null", "--cacert", caPem.toString(), "-u", "nobody:wrong",
                "-d", "grant_type=client_credentials", pem.base() + "/t/10001/oauth2/token");

        assertThat(jwks.out()).startsWith("HTTP/1.1 200").containsIgnoringCase("strict-transport-security: max-age=31536000");
        assertThat(refused.out()).startsWith("HTTP/1.1 401")
                .containsIgnoringCase("strict-transport-security: max-age=31536000");
    }

    @Test
    void plainHttpPortWhenTlsOnThenNotServedInTheClear() throws Exception {
        Result curl = curl("--max-time", "5", "http://127.0.0.1:" + pem.server().port() + "/t/10001/oauth2/jwks");

        assertThat(curl.out()).doesNotContain("\"keys\"");
    }

    // ---------------------------------------------------------------- redirect listener

    @Test
    void redirectListenerWhenAskedThenAnswers308ToTheSamePathAndQueryOnHttps() throws Exception {
        int redirect = pem.server().redirectPort();
        assertThat(redirect).isPositive();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build()) {
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + redirect
                    + "/t/10001/.well-known/oauth-authorization-server?a=1&b=x%20y")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + redirect
                            + "/t/10001/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(get.statusCode()).isEqualTo(308);
            assertThat(get.headers().firstValue("Location")).contains(
                    pem.base() + "/t/10001/.well-known/oauth-authorization-server?a=1&b=x%20y");
            // RFC 6797 §7.2: no HSTS over plain HTTP.
            assertThat(get.headers().firstValue("Strict-Transport-Security")).isEmpty();
            assertThat(post.statusCode()).isEqualTo(308);
            assertThat(post.headers().firstValue("Location")).contains(pem.base() + "/t/10001/oauth2/token");
        }
        // Followed, it lands on the HTTPS listener.
        Result follow = curl("--fail", "-L", "--cacert", caPem.toString(),
                "http://127.0.0.1:" + redirect + "/t/10001/oauth2/jwks");
        assertThat(follow.exitCode()).as(follow.err()).isZero();
        assertThat(follow.out()).contains("\"keys\"");
    }

    // ---------------------------------------------------------------- issuers

    @Test
    void metadataWhenTlsOnThenRfc8414NamesHttpsEndpoints() throws Exception {
        try (HttpClient http = trustingClient()) {
            HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(URI.create(pem.base()
                    + "/.well-known/oauth-authorization-server/t/10001")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(metadata.statusCode()).isEqualTo(200);
            Map<String, Object> json = JSONObjectUtils.parse(metadata.body());
            assertThat(json.get("issuer")).isEqualTo(pem.base() + "/t/10001");
            assertThat(json.get("token_endpoint")).isEqualTo(pem.base() + "/t/10001/oauth2/token");
            assertThat(json.get("jwks_uri")).isEqualTo(pem.base() + "/t/10001/oauth2/jwks");
            assertThat(metadata.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");
        }
    }

    // ---------------------------------------------------------------- java.net.http

    @Test
    void javaHttpClientWhenTrustingTheCaThenGetsTheJwksAndAToken() throws Exception {
        ClientWithSecret client = pem.defaultClient();
        String basic = Base64.getEncoder().encodeToString((client.client().clientId().value() + ":"
                + client.secret().reveal()).getBytes(StandardCharsets.UTF_8));
        try (HttpClient http = trustingClient()) {
            HttpResponse<String> jwks = http.send(HttpRequest.newBuilder(URI.create(pem.base() + "/t/10001/oauth2/jwks"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(pem.base() + "/t/10001/oauth2/token"))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(jwks.statusCode()).isEqualTo(200);
            assertThat(jwks.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isIn("TLSv1.3", "TLSv1.2"));
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            assertThat(claims((String) JSONObjectUtils.parse(token.body()).get("access_token")).get("iss"))
                    .isEqualTo(pem.base() + "/t/10001");
        }
    }

    // ---------------------------------------------------------------- PKCS#12 and bad material

    @Test
    void startWhenPkcs12KeystoreWithItsPasswordThenServesHttpsToo() throws Exception {
        assertServesHttpsFrom(p12Unnamed);
    }

    @Test
    void startWhenPkcs12KeystoreEntryHasAFriendlyNameThenServesHttpsToo() throws Exception {
        // openssl pkcs12 -export -name tollgate, keytool -alias ...: the key entry is not called "1".
        assertServesHttpsFrom(p12);
    }

    private static void assertServesHttpsFrom(Path keystoreFile) throws Exception {
        try (Running keystore = start(new TlsConfig(null, null, keystoreFile, KEYSTORE_PASSWORD.toCharArray(), 0,
                Duration.ofDays(1)))) {
            Result curl = curl("-D", "-", "--fail", "--cacert", caPem.toString(),
                    keystore.base() + "/t/10001/oauth2/jwks");

            assertThat(curl.exitCode()).as(curl.err()).isZero();
            assertThat(curl.out()).contains("\"keys\"").containsIgnoringCase("strict-transport-security: max-age=86400");
            assertThat(keystore.server().redirectPort()).isEqualTo(-1);
        }
    }

    @Test
    void startWhenWrongKeystorePasswordThenStopsWithAClearError() {
        Throwable failure = startFailure(new TlsConfig(null, null, p12Unnamed, "not-the-password".toCharArray(), 0,
                Duration.ofDays(1)));

        assertThat(failure).isInstanceOf(RuntimeException.class);
        assertThat(messages(failure)).as(messages(failure)).containsIgnoringCase("password");
    }

    @Test
    void startWhenPrivateKeyDoesNotMatchTheCertificateThenStopsWithAClearError() {
        Throwable failure = startFailure(new TlsConfig(serverPem, otherKey, null, new char[0], 0, Duration.ofDays(1)));

        assertThat(failure).as("the server must refuse to start with a key that is not the certificate's")
                .isInstanceOf(RuntimeException.class);
        assertThat(messages(failure)).as(messages(failure)).containsAnyOf("match", "does not belong", "certificate");
    }

    @Test
    void startWhenAFileIsNotPemThenStopsWithAClearError() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "this is not PEM\n");

        Throwable failure = startFailure(new TlsConfig(serverPem, garbage, null, new char[0], 0, Duration.ofDays(1)));

        assertThat(failure).isInstanceOf(RuntimeException.class);
    }

    // ---------------------------------------------------------------- helpers

    private static Running start(TlsConfig tls) throws IOException {
        Path data = Files.createTempDirectory(dir, "data");
        ServerConfig config = ServerConfig.builder().port(0).managementPort(0).store(StoreConfig.embedded(data))
                .defaultTenant(TENANT).tls(tls).build();
        Tollgate app = Tollgate.open(config, Clock.systemUTC());
        try {
            ProvisionedTenant created = app.bootstrap(TENANT).orElseThrow();
            ClientWithSecret client = created.clients().stream()
                    .filter(c -> c.client().builtin() == BuiltinClient.DEFAULT).findFirst().orElseThrow();
            return new Running(app, TollgateServer.start(app, config), client);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    /** What starting with this TLS configuration throws; null if it started (and is then stopped). */
    private static Throwable startFailure(TlsConfig tls) {
        Throwable thrown = catchThrowable(() -> start(tls).close());
        return thrown;
    }

    private static String messages(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
        }
        return out.toString();
    }

    private static Map<String, Object> claims(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        return JSONObjectUtils.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    private static HttpClient trustingClient() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static void openssl(String... args) throws Exception {
        TestCa.openssl(args);
    }

    private static Result curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "20"));
        command.addAll(List.of(args));
        return run(command, null);
    }

    /** Runs a command to completion; {@code stdin} is its whole input (null: none). */
    private static Result run(List<String> command, String stdin) throws Exception {
        Path out = Files.createTempFile(dir, "cmd", ".out");
        Path err = Files.createTempFile(dir, "cmd", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within 30 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
