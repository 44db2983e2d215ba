package dev.tollgate.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.client.ClientCertificate;
import dev.tollgate.client.TokenClient;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCertificateAuthorities;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.client.ClientTls.SubjectField;
import dev.tollgate.server.config.TlsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutual TLS (RFC 8705, issue 15 point 2) over real TLS on 127.0.0.1: the listener asks for a
 * certificate without requiring one; {@code tls_client_auth} against the tenant's CA bundle and
 * the client's registered subject; {@code self_signed_tls_client_auth} against the client's
 * registered certificate; certificate-bound tokens refused at the users API without their
 * certificate; the Java client library and curl as the clients. Certificates are made by openssl here.
 */
class MutualTlsTest {

    @TempDir
    static Path dir;

    private static TestCa serverCa;
    private static TestServer server;
    private static TestClientCertificates.Issued clientCa;
    private static TestClientCertificates.Issued orders;
    private static TestClientCertificates.Issued other;
    private static TestClientCertificates.Issued rogue;
    private static TestClientCertificates.Issued shortLived;
    private static TestClientCertificates.Issued self;
    private static TestClientCertificates.Issued unregisteredSelf;

    @BeforeAll
    static void certificatesAndServer() throws Exception {
        serverCa = TestCa.create(dir);
        TestClientCertificates certs = new TestClientCertificates(dir);
        clientCa = certs.authority("Client CA");
        TestClientCertificates.Issued rogueCa = certs.authority("Rogue CA");
        orders = certs.issue(clientCa, "orders", "/O=Example/CN=orders",
                "DNS:orders.example.com,URI:spiffe://example.com/orders,IP:10.1.2.3,email:Orders@example.com", 2);
        other = certs.issue(clientCa, "other", "/O=Example/CN=other", "DNS:other.example.com", 2);
        rogue = certs.issue(rogueCa, "rogue", "/O=Example/CN=orders", "DNS:orders.example.com", 2);
        shortLived = certs.issue(clientCa, "short", "/O=Example/CN=short", null, 1);
        self = certs.selfSigned("self");
        unregisteredSelf = certs.selfSigned("stranger");
        server = TestServer.embedded(b -> b.tls(new TlsConfig(serverCa.serverPem(), serverCa.serverKey(), null,
                new char[0], 0, Duration.ZERO, true)));
        server.app().adminOperations().tenants().setClientCas(Actor.cli(TENANT), TENANT,
                ClientCertificateAuthorities.of(clientCa.pem()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---------------------------------------------------------------- tls_client_auth

    @Test
    void tokenRequestWhenCertificateCarriesTheRegisteredSubjectDnThenTokenBoundToIt() throws Exception {
        ClientCredential client = tlsClient(SubjectField.SUBJECT_DN, "CN=orders, O=Example");

        HttpResponse<String> response = tokenRequest(orders, client);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, Object> json = JSONObjectUtils.parse(response.body());
        // RFC 8705 §3: still a Bearer token type; the binding is in the token.
        assertThat(json).containsEntry("token_type", "Bearer");
        // Interop: Nimbus computes the same RFC 8705 §3.1 thumbprint of the certificate.
        assertThat(boundThumbprint((String) json.get("access_token")))
                .isEqualTo(X509CertUtils.computeSHA256Thumbprint(orders.x509()).toString());
    }

    @Test
    void tokenRequestWhenEachSanFieldRegisteredThenEachIssued() throws Exception {
        Map<SubjectField, String> registrations = Map.of(
                SubjectField.SAN_DNS, "ORDERS.example.com",
                SubjectField.SAN_URI, "spiffe://example.com/orders",
                SubjectField.SAN_IP, "10.1.2.3",
                SubjectField.SAN_EMAIL, "Orders@EXAMPLE.com");
        for (Map.Entry<SubjectField, String> registration : registrations.entrySet()) {
            ClientCredential client = tlsClient(registration.getKey(), registration.getValue());

            HttpResponse<String> response = tokenRequest(orders, client);

            assertThat(response.statusCode()).as(registration + ": " + response.body()).isEqualTo(200);
        }
    }

    @Test
    void tokenRequestWhenCertificateNamesAnotherSubjectThenInvalidClient() throws Exception {
        ClientCredential client = tlsClient(SubjectField.SUBJECT_DN, "CN=orders,O=Example");

        assertInvalidClient(tokenRequest(other, client));
        assertInvalidClient(tokenRequest(orders, tlsClient(SubjectField.SAN_URI, "spiffe://example.com/other")));
        assertInvalidClient(tokenRequest(orders, tlsClient(SubjectField.SAN_EMAIL, "orders@example.com")));
    }

    @Test
    void tokenRequestWhenSameSubjectFromAnUntrustedCaThenInvalidClient() throws Exception {
        ClientCredential client = tlsClient(SubjectField.SUBJECT_DN, "CN=orders,O=Example");

        assertInvalidClient(tokenRequest(rogue, client));
    }

    @Test
    void tokenRequestWhenCertificateExpiredThenInvalidClient() throws Exception {
        ClientCredential client = tlsClient(SubjectField.SUBJECT_DN, "CN=short,O=Example");
        assertThat(tokenRequest(shortLived, client).statusCode()).isEqualTo(200);

        // The policy judges expiry on the server's clock: two days on, the one-day certificate is expired.
        var start = server.clock().instant();
        server.clock().advance(Duration.ofDays(2));
        try {
            assertInvalidClient(tokenRequest(shortLived, client));
        } finally {
            server.clock().set(start);
        }
    }

    @Test
    void tokenRequestWhenNoCertificateThenInvalidClient() throws Exception {
        ClientCredential client = tlsClient(SubjectField.SUBJECT_DN, "CN=orders,O=Example");

        HttpResponse<String> response = send(plainHttps(), post("/oauth2/token",
                "grant_type=client_credentials&client_id=" + client.clientId().value()));

        assertInvalidClient(response);
    }

    @Test
    void tokenRequestWhenTenantHasAnotherCaThenSameCertificateRefused() throws Exception {
        // The bundle is the tenant's: a CA trusted elsewhere (here: by no tenant) counts for nothing.
        ClientCredential client = tlsClient(SubjectField.SAN_DNS, "orders.example.com");
        server.app().adminOperations().tenants().setClientCas(Actor.cli(TENANT), TENANT,
                ClientCertificateAuthorities.of(serverCa.caPem().toFile().exists()
                        ? java.nio.file.Files.readString(serverCa.caPem()) : null));
        try {
            assertInvalidClient(awaitStatus(401, () -> tokenRequest(orders, client)));
        } finally {
            server.app().adminOperations().tenants().setClientCas(Actor.cli(TENANT), TENANT,
                    ClientCertificateAuthorities.of(clientCa.pem()));
        }
        assertThat(awaitStatus(200, () -> tokenRequest(orders, client)).statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- self_signed_tls_client_auth

    @Test
    void tokenRequestWhenSelfSignedCertificateRegisteredThenTokenBoundToIt() throws Exception {
        ClientCredential client = selfSignedClient(self);

        HttpResponse<String> response = tokenRequest(self, client);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(boundThumbprint(accessToken(response)))
                .isEqualTo(X509CertUtils.computeSHA256Thumbprint(self.x509()).toString());
    }

    @Test
    void tokenRequestWhenSelfSignedCertificateNotRegisteredThenInvalidClient() throws Exception {
        ClientCredential client = selfSignedClient(self);

        assertInvalidClient(tokenRequest(unregisteredSelf, client));
        // A CA-issued certificate is no self-signed client's either, whatever its subject.
        assertInvalidClient(tokenRequest(orders, client));
    }

    // ---------------------------------------------------------------- binding at the users API

    @Test
    void usersApiWhenBoundTokenPresentedWithItsCertificateThenServed() throws Exception {
        String token = accessToken(tokenRequest(orders, tlsClient(SubjectField.SUBJECT_DN, "CN=orders,O=Example")));

        HttpResponse<String> response = send(mutualTls(orders), users(token));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void usersApiWhenBoundTokenPresentedWithoutCertificateThenInvalidToken() throws Exception {
        String token = accessToken(tokenRequest(orders, tlsClient(SubjectField.SUBJECT_DN, "CN=orders,O=Example")));

        HttpResponse<String> response = send(plainHttps(), users(token));

        assertInvalidToken(response);
    }

    @Test
    void usersApiWhenBoundTokenPresentedWithAnotherCertificateThenInvalidToken() throws Exception {
        String token = accessToken(tokenRequest(orders, tlsClient(SubjectField.SUBJECT_DN, "CN=orders,O=Example")));

        assertInvalidToken(send(mutualTls(other), users(token)));
        assertInvalidToken(send(mutualTls(rogue), users(token)));
    }

    @Test
    void adminApiWhenBoundTokenPresentedWithoutItsCertificateThenInvalidToken() throws Exception {
        ClientCredential client = tlsClient(SubjectField.SUBJECT_DN, "CN=orders,O=Example",
                dev.tollgate.core.admin.Capability.MANAGE_CLIENT_CREDENTIALS.scope().value());
        String token = accessToken(tokenRequest(orders, client));
        HttpRequest clients = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/10001/admin/api/v1/clients"))
                .header("Authorization", "Bearer " + token).GET().build();

        assertThat(send(mutualTls(orders), clients).statusCode()).isEqualTo(200);
        assertInvalidToken(send(plainHttps(), clients));
        assertInvalidToken(send(mutualTls(other), clients));
    }

    // ---------------------------------------------------------------- other clients, introspection, metadata

    @Test
    void tokenRequestWhenSecretClientPresentsNoCertificateThenItKeepsWorkingUnbound() throws Exception {
        ClientWithSecret client = server.defaultClient();

        HttpResponse<String> response = send(plainHttps(), secretTokenRequest(client));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(boundThumbprint(accessToken(response))).isNull();
    }

    @Test
    void tokenRequestWhenSecretClientPresentsCertificateWithoutBindingSettingThenUnbound() throws Exception {
        HttpResponse<String> response = send(mutualTls(orders), secretTokenRequest(server.defaultClient()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(boundThumbprint(accessToken(response))).isNull();
    }

    @Test
    void tokenRequestWhenSecretClientSetToBindTokensThenBoundWithCertificateAndRefusedWithout() throws Exception {
        ClientWithSecret client = secretClient();
        server.app().adminOperations().clients().setTls(Actor.cli(TENANT), TENANT, client.client().clientId(),
                new ClientTls(null, null, true));

        HttpResponse<String> bound = awaitStatus(200, () -> send(mutualTls(other), secretTokenRequest(client)));
        HttpResponse<String> without = send(plainHttps(), secretTokenRequest(client));

        assertThat(boundThumbprint(accessToken(bound)))
                .isEqualTo(X509CertUtils.computeSHA256Thumbprint(other.x509()).toString());
        assertThat(without.statusCode()).as(without.body()).isEqualTo(400);
        assertThat(JSONObjectUtils.parse(without.body())).containsEntry("error", "invalid_request");
    }

    @Test
    void introspectionWhenTokenIsBoundThenAnswerCarriesCnf() throws Exception {
        String token = accessToken(tokenRequest(orders, tlsClient(SubjectField.SUBJECT_DN, "CN=orders,O=Example")));
        server.letDefaultClientIntrospect();
        ClientWithSecret introspector = server.defaultClient();

        HttpResponse<String> response = awaitStatus(200, () -> send(plainHttps(), post("/oauth2/introspect",
                "token=" + token), introspector));

        Map<String, Object> json = JSONObjectUtils.parse(response.body());
        assertThat(json).as(response.body()).containsEntry("active", true);
        assertThat(JSONObjectUtils.getJSONObject(json, "cnf"))
                .containsEntry("x5t#S256", X509CertUtils.computeSHA256Thumbprint(orders.x509()).toString());
    }

    @Test
    void introspectionWhenCallerAuthenticatesWithMutualTlsThenAuthenticated() throws Exception {
        ClientCredential client = tlsClient(SubjectField.SUBJECT_DN, "CN=orders,O=Example");

        HttpResponse<String> response = send(mutualTls(orders), post("/oauth2/revoke",
                "token=nothing&client_id=" + client.clientId().value()));

        // RFC 7009 §2.2: an unknown token is answered 200 once the client is authenticated.
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void metadataWhenListenerAsksForCertificatesThenAdvertisesMutualTls() throws Exception {
        HttpResponse<String> response = send(plainHttps(), HttpRequest.newBuilder(
                URI.create(server.issuer() + "/.well-known/oauth-authorization-server")).GET().build());

        Map<String, Object> json = JSONObjectUtils.parse(response.body());
        assertThat(JSONObjectUtils.getStringList(json, "token_endpoint_auth_methods_supported"))
                .contains("tls_client_auth", "self_signed_tls_client_auth");
        assertThat(json).containsEntry("tls_client_certificate_bound_access_tokens", true);
        assertThat(JSONObjectUtils.getJSONObject(json, "mtls_endpoint_aliases"))
                .containsEntry("token_endpoint", server.issuer() + "/oauth2/token");
    }

    // ---------------------------------------------------------------- real clients

    @Test
    void clientLibraryWhenGivenPemCertificateAndKeyThenGetsBoundTokenAndCallsTheApi() throws Exception {
        ClientCredential client = tlsClient(SubjectField.SAN_DNS, "orders.example.com");
        SSLContext tls = ClientCertificate.fromPem(orders.certificate(), orders.key(), serverCa.caPem());

        try (TokenClient tokens = TokenClient.builder().tokenEndpoint(server.tokenEndpoint())
                .clientId(client.clientId().value()).mutualTls(tls).build()) {
            String token = tokens.accessToken();
            HttpResponse<String> response = tokens.send(HttpRequest.newBuilder(
                    URI.create(server.issuer() + "/api/v1/users")).GET(), HttpResponse.BodyHandlers.ofString(),
                    dev.tollgate.client.TokenScope.defaults());

            assertThat(boundThumbprint(token)).isEqualTo(X509CertUtils.computeSHA256Thumbprint(orders.x509()).toString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
    }

    @Test
    void clientLibraryWhenGivenPkcs12ThenGetsBoundToken() throws Exception {
        ClientCredential client = selfSignedClient(self);
        Path p12 = dir.resolve("self.p12");
        TestCa.openssl("pkcs12", "-export", "-inkey", self.key().toString(), "-in", self.certificate().toString(),
                "-passout", "pass:changeit", "-out", p12.toString());
        SSLContext tls = ClientCertificate.fromPkcs12(p12, "changeit".toCharArray(), serverCa.caPem());

        try (TokenClient tokens = TokenClient.builder().tokenEndpoint(server.tokenEndpoint())
                .clientId(client.clientId().value()).mutualTls(tls).build()) {
            assertThat(boundThumbprint(tokens.accessToken()))
                    .isEqualTo(X509CertUtils.computeSHA256Thumbprint(self.x509()).toString());
        }
    }

    @Test
    void curlWhenCertAndKeyGivenThenBothMethodsIssueAndWithoutCertificateInvalidClient() throws Exception {
        ClientCredential ca = tlsClient(SubjectField.SUBJECT_DN, "CN=orders,O=Example");
        ClientCredential selfSigned = selfSignedClient(self);

        Map<String, Object> caIssued = JSONObjectUtils.parse(curl("--cert", orders.certificate().toString(),
                "--key", orders.key().toString(), "-d", "client_id=" + ca.clientId().value()));
        Map<String, Object> selfIssued = JSONObjectUtils.parse(curl("--cert", self.certificate().toString(),
                "--key", self.key().toString(), "-d", "client_id=" + selfSigned.clientId().value()));
        Map<String, Object> none = JSONObjectUtils.parse(curl("-d", "client_id=" + ca.clientId().value()));

        assertThat(caIssued).containsKey("access_token");
        assertThat(selfIssued).containsKey("access_token");
        assertThat(none).containsEntry("error", "invalid_client");
    }

    // ---------------------------------------------------------------- helpers

    private static ClientCredential tlsClient(SubjectField field, String value, String... extraScopes) {
        ClientCredential template = server.defaultClient().client();
        List<String> names = new ArrayList<>(template.allowedScopes().names());
        names.addAll(List.of(extraScopes));
        var scopes = dev.tollgate.core.scope.ScopeSet.of(names.toArray(String[]::new));
        return server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                new ClientSpec("mtls " + UUID.randomUUID(), scopes, scopes, null, null, null, false,
                        ClientAuthMethod.TLS_CLIENT_AUTH, null, ClientTls.subject(field, value))).client();
    }

    private static ClientCredential selfSignedClient(TestClientCertificates.Issued certificate) {
        ClientCredential template = server.defaultClient().client();
        return server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                new ClientSpec("self-signed " + UUID.randomUUID(), template.allowedScopes(),
                        template.defaultScopes(), null, null, null, false,
                        ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH,
                        ClientKeys.inline(ClientKeys.parsePublicKeys(certificate.pem())), null)).client();
    }

    private static ClientWithSecret secretClient() {
        ClientCredential template = server.defaultClient().client();
        return server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                ClientSpec.named("secret " + UUID.randomUUID(), template.allowedScopes()));
    }

    private static HttpResponse<String> tokenRequest(TestClientCertificates.Issued certificate,
                                                     ClientCredential client) {
        return send(mutualTls(certificate), post("/oauth2/token",
                "grant_type=client_credentials&client_id=" + client.clientId().value()));
    }

    private static HttpRequest secretTokenRequest(ClientWithSecret client) {
        return post("/oauth2/token", "grant_type=client_credentials&client_id=" + client.client().clientId().value()
                + "&client_secret=" + URLEncoder.encode(client.secret().reveal(), StandardCharsets.UTF_8));
    }

    private static HttpRequest post(String path, String form) {
        return HttpRequest.newBuilder(URI.create(server.issuer() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request, ClientWithSecret basic) {
        String credentials = java.util.Base64.getEncoder().encodeToString((basic.client().clientId().value() + ":"
                + basic.secret().reveal()).getBytes(StandardCharsets.UTF_8));
        return send(client, HttpRequest.newBuilder(request, (name, value) -> true)
                .header("Authorization", "Basic " + credentials).build());
    }

    private static HttpRequest users(String token) {
        return HttpRequest.newBuilder(URI.create(server.issuer() + "/api/v1/users"))
                .header("Authorization", "Bearer " + token).GET().build();
    }

    /** A client presenting {@code certificate}; a fresh one each time, so no TLS session carries over. */
    private static HttpClient mutualTls(TestClientCertificates.Issued certificate) {
        return mutualTls(certificate, serverCa.caPem());
    }

    static HttpClient mutualTls(TestClientCertificates.Issued certificate, Path trustedCa) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(ClientCertificate.fromPem(certificate.certificate(), certificate.key(), trustedCa))
                .build();
    }

    /** A client trusting the server and presenting no certificate. */
    private static HttpClient plainHttps() {
        return plainHttps(serverCa.caPem());
    }

    static HttpClient plainHttps(Path trustedCa) {
        try {
            var trust = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            var store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            try (var in = java.nio.file.Files.newInputStream(trustedCa)) {
                store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in));
            }
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try (client) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Repeats {@code request} until it answers {@code status} (a setting reaches the cached directory), for 5 s. */
    private static HttpResponse<String> awaitStatus(int status, java.util.function.Supplier<HttpResponse<String>> request)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            HttpResponse<String> response = request.get();
            if (response.statusCode() == status || System.nanoTime() > deadline) {
                return response;
            }
            Thread.sleep(20);
        }
    }

    private static String accessToken(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (String) JSONObjectUtils.parse(response.body()).get("access_token");
    }

    /** The token's {@code cnf.x5t#S256}, or null when it is unbound. */
    static String boundThumbprint(String token) throws Exception {
        Map<String, Object> cnf = SignedJWT.parse(token).getJWTClaimsSet().getJSONObjectClaim("cnf");
        return cnf == null ? null : (String) cnf.get("x5t#S256");
    }

    static void assertInvalidClient(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(JSONObjectUtils.parse(response.body())).containsEntry("error", "invalid_client");
    }

    static void assertInvalidToken(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElse(""))
                .contains("error=\"invalid_token\"");
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert", serverCa.caPem().toString(),
                "-d", "grant_type=client_credentials"));
        command.addAll(List.of(args));
        command.add(server.tokenEndpoint().toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(err).isZero();
        return out;
    }
}
