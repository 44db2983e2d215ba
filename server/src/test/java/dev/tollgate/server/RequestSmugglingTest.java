package dev.tollgate.server;

import dev.tollgate.server.config.TlsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request smuggling through an unread body (issue 11, point 1), over raw sockets on every
 * listener: a request whose body a handler never reads (a 401 before authentication, a 413 on
 * a declared length, an unknown tenant, a route that takes no body) must not have that body
 * parsed as a next request, and a {@code Connection: close} exchange must end the connection.
 * Each case sends a second, complete request as the body (or right after a close) and asserts
 * that exactly one response comes back and then the connection reaches its end.
 */
class RequestSmugglingTest {

    /** A complete request that, if ever answered, shows the signing keys. */
    private static final String SMUGGLED_JWKS = "GET /t/10001/oauth2/jwks HTTP/1.1\r\nHost: x\r\n\r\n";
    /** The same for the management listener: metrics. */
    private static final String SMUGGLED_METRICS = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    /** How long a connection may stay open after its answer before the test calls it left open. */
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private static TestServer plain;
    private static TestServer tls;
    private static SSLContext trustingCa;

    @BeforeAll
    static void servers() throws Exception {
        plain = TestServer.embedded();
        TestCa ca = TestCa.create(dir);
        TlsConfig https = new TlsConfig(ca.serverPem(), ca.serverKey(), null, new char[0], freePort(),
                Duration.ofDays(1));
        tls = TestServer.embedded(b -> b.tls(https));
        trustingCa = trusting(ca.caPem());
    }

    @AfterAll
    static void stop() {
        if (plain != null) {
            plain.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    // ---------------------------------------------------------------- public listener

    @Test
    void usersApiWhenUnauthenticatedPostCarriesARequestAsBodyWithConnectionCloseThenOnly401AndClosed()
            throws IOException {
        String wire = exchange(plainSocket(plain.port()), post("/t/10001/api/v1/users", "close", SMUGGLED_JWKS));

        assertAnsweredOnceThenClosed(wire, 401);
    }

    @Test
    void adminApiWhenUnauthenticatedPostCarriesARequestAsBodyWithConnectionCloseThenOnly401AndClosed()
            throws IOException {
        String wire = exchange(plainSocket(plain.port()),
                post("/t/10001/admin/api/v1/clients", "close", SMUGGLED_JWKS));

        assertAnsweredOnceThenClosed(wire, 401);
    }

    @Test
    void tokenEndpointWhenDeclaredLengthTooLargeAndBodyIsARequestWithConnectionCloseThenOnly413AndClosed()
            throws IOException {
        String request = "POST /t/10001/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n" + SMUGGLED_JWKS;

        String wire = exchange(plainSocket(plain.port()), request);

        assertAnsweredOnceThenClosed(wire, 413);
    }

    @Test
    void adminApiWhenTenantUnknownAndBodyIsARequestWithConnectionCloseThenOnly404AndClosed() throws IOException {
        String wire = exchange(plainSocket(plain.port()),
                post("/t/99999/admin/api/v1/clients", "close", SMUGGLED_JWKS));

        assertAnsweredOnceThenClosed(wire, 404);
    }

    @Test
    void publicListenerWhenNoRouteAndBodyIsARequestWithConnectionCloseThenOnly404AndClosed() throws IOException {
        String wire = exchange(plainSocket(plain.port()), post("/no/such/route", "close", SMUGGLED_JWKS));

        assertAnsweredOnceThenClosed(wire, 404);
    }

    @Test
    void publicListenerWhenConnectionCloseAndAnotherRequestFollowsThenOnlyTheFirstIsAnsweredAndClosed()
            throws IOException {
        String wire = exchange(plainSocket(plain.port()),
                get("/t/10001/.well-known/openid-configuration", "close") + SMUGGLED_JWKS);

        assertAnsweredOnceThenClosed(wire, 200);
    }

    @Test
    void publicListenerWhenKeptAliveAndBodyLeftUnreadThenTheBodyIsSkippedAndTheNextRequestAnswered()
            throws IOException {
        String wire = exchange(plainSocket(plain.port()), post("/t/10001/api/v1/users", null, SMUGGLED_JWKS)
                + get("/t/10001/.well-known/openid-configuration", "close"));

        assertThat(statusLines(wire)).as(wire).isEqualTo(2);
        assertThat(wire).startsWith("HTTP/1.1 401").contains("\"issuer\"").doesNotContain("\"keys\"");
    }

    @Test
    void publicListenerWhenAnsweredBeforeTheBodyAndTheRestNeverComesThenTheConnectionEnds() throws IOException {
        // 100 bytes declared, 4 sent: the 401 goes out at once; the rest never comes.
        String request = "POST /t/10001/api/v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\"";

        String wire = exchange(plainSocket(plain.port()), request);

        assertAnsweredOnceThenClosed(wire, 401);
    }

    // ---------------------------------------------------------------- management listener

    @Test
    void managementListenerWhenBodyIsARequestWithConnectionCloseThenOnlyOneAnswerAndClosed() throws IOException {
        String wire = exchange(plainSocket(plain.managementPort()), post("/health/live", "close", SMUGGLED_METRICS));

        assertThat(statusLines(wire)).as(wire).isEqualTo(1);
        assertThat(wire).doesNotContain("# TYPE");
    }

    @Test
    void managementListenerWhenAnsweredBeforeTheBodyAndTheRestNeverComesThenTheConnectionEnds() throws IOException {
        String request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\"";

        String wire = exchange(plainSocket(plain.managementPort()), request);

        assertThat(statusLines(wire)).as(wire).isEqualTo(1);
    }

    @Test
    void managementListenerWhenConnectionCloseAndAnotherRequestFollowsThenOnlyTheFirstIsAnsweredAndClosed()
            throws IOException {
        String wire = exchange(plainSocket(plain.managementPort()), get("/health/live", "close") + SMUGGLED_METRICS);

        assertAnsweredOnceThenClosed(wire, 200);
        assertThat(wire).doesNotContain("# TYPE");
    }

    // ---------------------------------------------------------------- TLS and its redirect listener

    @Test
    void tlsListenerWhenUnauthenticatedPostCarriesARequestAsBodyWithConnectionCloseThenOnly401AndClosed()
            throws IOException {
        String wire = exchange(tlsSocket(tls.port()), post("/t/10001/api/v1/users", "close", SMUGGLED_JWKS));

        assertAnsweredOnceThenClosed(wire, 401);
    }

    @Test
    void tlsListenerWhenConnectionCloseAndAnotherRequestFollowsThenOnlyTheFirstIsAnsweredAndClosed()
            throws IOException {
        String wire = exchange(tlsSocket(tls.port()),
                get("/t/10001/.well-known/openid-configuration", "close") + SMUGGLED_JWKS);

        assertAnsweredOnceThenClosed(wire, 200);
    }

    @Test
    void redirectListenerWhenBodyIsARequestWithConnectionCloseThenOnly308AndClosed() throws IOException {
        String wire = exchange(plainSocket(redirectPort()),
                post("/t/10001/api/v1/users", "close", SMUGGLED_JWKS));

        assertAnsweredOnceThenClosed(wire, 308);
    }

    @Test
    void redirectListenerWhenConnectionCloseAndAnotherRequestFollowsThenOnlyTheFirstIsAnsweredAndClosed()
            throws IOException {
        String wire = exchange(plainSocket(redirectPort()), get("/t/10001/oauth2/jwks", "close") + SMUGGLED_JWKS);

        assertAnsweredOnceThenClosed(wire, 308);
    }

    // ---------------------------------------------------------------- helpers

    /** A POST whose body is {@code body}, with {@code Connection: connection} unless null. */
    static String post(String path, String connection, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (connection == null ? "" : "Connection: " + connection + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.US_ASCII).length + "\r\n\r\n" + body;
    }

    static String get(String path, String connection) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (connection == null ? "" : "Connection: " + connection + "\r\n") + "\r\n";
    }

    /**
     * Writes {@code request} on the socket and returns everything the server wrote until it ended
     * the connection; fails if the connection is still open {@link #CLOSE_WITHIN} after the last byte.
     */
    static String exchange(Socket socket, String request) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (socket) {
            socket.setSoTimeout((int) CLOSE_WITHIN.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                got.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was still open " + CLOSE_WITHIN.toSeconds()
                    + " s after the server's last byte; it had written:\n" + got.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // A reset: the server closed with bytes of ours unread, which ends the connection too.
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** One response with this status, no second one (no signing keys), and the connection ended. */
    static void assertAnsweredOnceThenClosed(String wire, int status) {
        assertThat(wire).as(wire).startsWith("HTTP/1.1 " + status + " ");
        assertThat(statusLines(wire)).as("responses on the connection:\n" + wire).isEqualTo(1);
        assertThat(wire).doesNotContain("\"keys\"");
    }

    static int statusLines(String wire) {
        // Not anchored to a line: a response follows the previous body without a line break.
        Matcher m = Pattern.compile("HTTP/1\\.[01] \\d{3} ").matcher(wire);
        int count = 0;
        while (m.find()) {
            count++;
        }
        return count;
    }

    static Socket plainSocket(int port) throws IOException {
        return new Socket(InetAddress.getByName("127.0.0.1"), port);
    }

    private static Socket tlsSocket(int port) throws IOException {
        return trustingCa.getSocketFactory().createSocket(InetAddress.getByName("127.0.0.1"), port);
    }

    private static int redirectPort() {
        return tls.redirectPort();
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
