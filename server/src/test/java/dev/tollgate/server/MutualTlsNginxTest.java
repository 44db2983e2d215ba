package dev.tollgate.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.X509CertUtils;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCertificateAuthorities;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.server.config.TrustedProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static dev.tollgate.server.MutualTlsTest.assertInvalidClient;
import static dev.tollgate.server.MutualTlsTest.assertInvalidToken;
import static dev.tollgate.server.MutualTlsTest.boundThumbprint;
import static dev.tollgate.server.MutualTlsTest.mutualTls;
import static dev.tollgate.server.MutualTlsTest.plainHttps;
import static dev.tollgate.server.MutualTlsTest.send;
import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutual TLS behind a TLS-terminating proxy (RFC 8705, issue 15 point 2): Debian's nginx, started
 * here as the current user, asks for a certificate without checking it ({@code ssl_verify_client
 * optional_no_ca}) and forwards it as {@code X-SSL-Client-Cert: $ssl_client_escaped_cert} to a
 * plain-HTTP Tollgate that trusts 127.0.0.1 as its proxy. A second Tollgate, trusting no proxy at
 * this address, must ignore the same header, whether nginx or the client itself sets it. Without
 * the binary the test skips, unless TOLLGATE_REQUIRE_NGINX is set (CI).
 */
class MutualTlsNginxTest {

    private static final String HEADER = "X-SSL-Client-Cert";

    @TempDir
    static Path dir;

    private static TestCa serverCa;
    private static TestClientCertificates.Issued orders;
    private static TestClientCertificates.Issued other;
    /** Trusts 127.0.0.1, where nginx connects from. */
    private static TestServer trusting;
    /** Reads the header only from 10.0.0.0/8: nginx and the test client are not there. */
    private static TestServer untrusting;
    private static NginxProcess nginx;
    private static int trustingProxyPort;
    private static int untrustingProxyPort;

    @BeforeAll
    static void serversBehindNginx() throws Exception {
        NginxProcess.requireInstalled();
        serverCa = TestCa.create(dir);
        TestClientCertificates certs = new TestClientCertificates(dir);
        TestClientCertificates.Issued clientCa = certs.authority("Client CA");
        orders = certs.issue(clientCa, "orders", "/O=Example/CN=orders", "DNS:orders.example.com", 2);
        other = certs.issue(clientCa, "other", "/O=Example/CN=other", null, 2);
        trusting = TestServer.embedded(b -> b.trustedProxies(TrustedProxies.of(List.of("127.0.0.1")))
                .clientCertificateHeader(HEADER));
        untrusting = TestServer.embedded(b -> b.trustedProxies(TrustedProxies.of(List.of("10.0.0.0/8")))
                .clientCertificateHeader(HEADER));
        for (TestServer server : List.of(trusting, untrusting)) {
            server.app().adminOperations().tenants().setClientCas(Actor.cli(TENANT), TENANT,
                    ClientCertificateAuthorities.of(clientCa.pem()));
        }
        trustingProxyPort = NginxProcess.freePort();
        untrustingProxyPort = NginxProcess.freePort();
        nginx = NginxProcess.start(dir, """
                worker_processes 1;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    ssl_certificate %2$s;
                    ssl_certificate_key %3$s;
                    ssl_verify_client optional_no_ca;
                    server {
                        listen 127.0.0.1:%4$d ssl;
                        location / {
                            proxy_http_version 1.1;
                            proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
                            proxy_pass http://127.0.0.1:%5$d;
                        }
                    }
                    server {
                        listen 127.0.0.1:%6$d ssl;
                        location / {
                            proxy_http_version 1.1;
                            proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
                            proxy_pass http://127.0.0.1:%7$d;
                        }
                    }
                }
                """.formatted(dir, serverCa.serverPem(), serverCa.serverKey(), trustingProxyPort, trusting.port(),
                untrustingProxyPort, untrusting.port()), trustingProxyPort, untrustingProxyPort);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.close();
        }
        for (TestServer server : new TestServer[] {trusting, untrusting}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void tokenRequestWhenThroughTrustedNginxWithCertificateThenTokenBoundToIt() throws Exception {
        ClientCredential client = tlsClient(trusting);

        HttpResponse<String> response = send(mutualTls(orders, serverCa.caPem()), tokenRequest(trustingProxyPort, client));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String token = (String) JSONObjectUtils.parse(response.body()).get("access_token");
        assertThat(boundThumbprint(token)).isEqualTo(X509CertUtils.computeSHA256Thumbprint(orders.x509()).toString());
    }

    @Test
    void tokenRequestWhenThroughTrustedNginxWithoutCertificateThenInvalidClient() throws Exception {
        ClientCredential client = tlsClient(trusting);

        assertInvalidClient(send(plainHttps(serverCa.caPem()), tokenRequest(trustingProxyPort, client)));
    }

    @Test
    void usersApiWhenThroughTrustedNginxThenBoundTokenServedOnlyWithItsCertificate() throws Exception {
        ClientCredential client = tlsClient(trusting);
        HttpResponse<String> issued = send(mutualTls(orders, serverCa.caPem()), tokenRequest(trustingProxyPort, client));
        String token = (String) JSONObjectUtils.parse(issued.body()).get("access_token");

        HttpResponse<String> same = send(mutualTls(orders, serverCa.caPem()), users(trustingProxyPort, token));

        assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
        assertInvalidToken(send(mutualTls(other, serverCa.caPem()), users(trustingProxyPort, token)));
        assertInvalidToken(send(plainHttps(serverCa.caPem()), users(trustingProxyPort, token)));
    }

    @Test
    void tokenRequestWhenProxyIsNotTrustedThenItsCertificateHeaderIgnored() throws Exception {
        ClientCredential client = tlsClient(untrusting);

        assertInvalidClient(send(mutualTls(orders, serverCa.caPem()), tokenRequest(untrustingProxyPort, client)));
    }

    @Test
    void tokenRequestWhenClientForgesTheHeaderFromAnUntrustedAddressThenIgnored() throws Exception {
        ClientCredential client = tlsClient(untrusting);
        String forged = URLEncoder.encode(orders.pem(), StandardCharsets.UTF_8);

        assertInvalidClient(direct(untrusting, client, forged));
    }

    @Test
    void tokenRequestWhenTrustedPeerSendsAnUnreadableHeaderThenInvalidClientNot500() throws Exception {
        ClientCredential client = tlsClient(trusting);

        for (String garbage : List.of("not-a-certificate", "%ZZ%", "-----BEGIN%20CERTIFICATE-----%0AAAAA")) {
            assertInvalidClient(direct(trusting, client, garbage));
        }
    }

    private static ClientCredential tlsClient(TestServer server) {
        ClientCredential template = server.defaultClient().client();
        return server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                new ClientSpec("mtls " + UUID.randomUUID(), template.allowedScopes(), template.defaultScopes(), null,
                        null, null, false, ClientAuthMethod.TLS_CLIENT_AUTH, null,
                        ClientTls.subject(ClientTls.SubjectField.SAN_DNS, "orders.example.com"))).client();
    }

    /** A token request straight to {@code server} (plain HTTP from 127.0.0.1), with the certificate header set. */
    private static HttpResponse<String> direct(TestServer server, ClientCredential client, String header) {
        return server.send(HttpRequest.newBuilder(URI.create(server.issuer() + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header(HEADER, header)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id="
                        + client.clientId().value())).build());
    }

    private static HttpRequest tokenRequest(int proxyPort, ClientCredential client) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + proxyPort + "/t/10001/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id="
                        + client.clientId().value())).build();
    }

    private static HttpRequest users(int proxyPort, String token) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + proxyPort + "/t/10001/api/v1/users"))
                .header("Authorization", "Bearer " + token).GET().build();
    }
}
