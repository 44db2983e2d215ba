package dev.tollgate.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.config.HttpLimits;
import dev.tollgate.store.StoreConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The listener's limits (issue 5, point 5: size limits and timeouts) with small values, over raw
 * sockets where a real client would hide what the server does: oversized headers and request
 * lines are refused with a 4xx (never a 5xx), a stalled request is cut off after the read
 * timeout, an idle keep-alive connection after the idle timeout, and an oversized body on the
 * token endpoint gets 413 with an OAuth error body, while ordinary requests go through.
 */
class HttpLimitsTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final int MAX_HEADER_BYTES = 2048;
    private static final int MAX_REQUEST_LINE_BYTES = 512;
    private static final int MAX_BODY_BYTES = 1024;
    private static final int MAX_CONNECTIONS = 64;
    private static final int MANAGEMENT_MAX_CONNECTIONS = 3;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /** How long past a timeout the server may take to act on it. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    @TempDir
    static Path dir;

    private static Tollgate app;
    private static TollgateServer server;
    private static ClientWithSecret client;

    @BeforeAll
    static void start() {
        ServerConfig config = ServerConfig.builder().port(0).managementPort(0).store(StoreConfig.embedded(dir))
                .defaultTenant(TENANT).maxBodyBytes(MAX_BODY_BYTES)
                .limits(new HttpLimits(MAX_HEADER_BYTES, MAX_REQUEST_LINE_BYTES, IDLE_TIMEOUT, MAX_CONNECTIONS,
                        REQUEST_TIMEOUT, Duration.ZERO, MANAGEMENT_MAX_CONNECTIONS))
                .build();
        app = Tollgate.open(config, Clock.systemUTC());
        ProvisionedTenant created = app.bootstrap(TENANT).orElseThrow();
        client = created.clients().stream().filter(c -> c.client().builtin() == BuiltinClient.DEFAULT)
                .findFirst().orElseThrow();
        server = TollgateServer.start(app, config);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
    }

    // ---------------------------------------------------------------- sizes

    @Test
    void ordinaryRequestsWhenUnderTheSmallLimitsThenStillWork() throws Exception {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> jwks = http.send(HttpRequest.newBuilder(uri("/t/10001/oauth2/jwks")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> token = http.send(tokenRequest("grant_type=client_credentials"),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(jwks.statusCode()).isEqualTo(200);
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            assertThat(JSONObjectUtils.parse(token.body())).containsKey("access_token");
        }
        // Headers and request line just under the limits are fine too.
        try (Socket socket = socket()) {
            String path = "/t/10001/oauth2/jwks?pad=" + "p".repeat(MAX_REQUEST_LINE_BYTES - 60);
            send(socket, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + "h".repeat(MAX_HEADER_BYTES - 200)
                    + "\r\nConnection: close\r\n\r\n");
            Response response = readResponse(socket.getInputStream());
            assertThat(response).isNotNull();
            assertThat(response.status()).isEqualTo(200);
        }
    }

    @Test
    void headersWhenFourKibibytesThenRefusedWithA4xxAndTheConnectionIsAnsweredOrClosed() throws Exception {
        try (Socket socket = socket()) {
            StringBuilder request = new StringBuilder("GET /t/10001/oauth2/jwks HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (int i = 0; i < 32; i++) {
                request.append("X-Filler-").append(i).append(": ").append("f".repeat(120)).append("\r\n");
            }
            request.append("\r\n");
            assertThat(request.length()).isGreaterThan(4096);
            send(socket, request.toString());

            Response response = readResponse(socket.getInputStream());

            assertThat(response).as("an answer before the connection closes").isNotNull();
            // RFC 6585 says 431; Helidon 4.5 answers 400. Either way the client's fault, never a 5xx.
            assertThat(response.status()).as(response.toString()).isBetween(400, 499).isIn(400, 431);
            assertClosedSoon(socket);
        }
    }

    @Test
    void requestLineWhenOneKibibyteThenRefusedWithA4xx() throws Exception {
        try (Socket socket = socket()) {
            String path = "/t/10001/oauth2/jwks?q=" + "a".repeat(1024);
            send(socket, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            Response response = readResponse(socket.getInputStream());

            assertThat(response).as("an answer before the connection closes").isNotNull();
            assertThat(response.status()).as(response.toString()).isBetween(400, 499);
            assertThat(response.status()).as("414 URI Too Long (RFC 9110 §15.5.15)").isEqualTo(414);
            assertClosedSoon(socket);
        }
    }

    @Test
    void usersApiAndConsoleFormsWhenOverTheConfiguredLimitThen413WhereTheDefaultWouldHaveReadThem() throws Exception {
        // 2 KiB: over limits.max-body-bytes here (1 KiB), far under the 64 KiB these routes hard-coded before.
        String padding = "x".repeat(MAX_BODY_BYTES * 2);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> token = http.send(tokenRequest("grant_type=client_credentials&scope=users%3Awrite"),
                    HttpResponse.BodyHandlers.ofString());
            String accessToken = (String) JSONObjectUtils.parse(token.body()).get("access_token");
            HttpResponse<String> user = http.send(HttpRequest.newBuilder(uri("/t/10001/api/v1/users"))
                    .header("Authorization", "Bearer " + accessToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + padding + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(uri("/console/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Origin", "http://127.0.0.1:" + server.port())
                    .POST(HttpRequest.BodyPublishers.ofString("tenant=10001&username=admin&password=" + padding)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(user.statusCode()).as(user.body()).isEqualTo(413);
            assertThat(login.statusCode()).as(login.body()).isEqualTo(413);
            assertThat(app.store().users().list(dev.tollgate.core.tenant.TenantId.of("10001"), new dev.tollgate.core.store.UserRepository.Filter(null, null), 0, 10)).isEmpty();
        }
    }

    @Test
    void tokenRequestWhenBodyOverTheLimitThen413WithOAuthErrorBody() throws Exception {
        String oversized = "grant_type=client_credentials&scope=" + "s".repeat(MAX_BODY_BYTES * 2);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> declared = http.send(tokenRequest(oversized), HttpResponse.BodyHandlers.ofString());

            assertThat(declared.statusCode()).as(declared.body()).isEqualTo(413);
            assertThat(declared.headers().firstValue("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("application/json"));
            assertThat(JSONObjectUtils.parse(declared.body())).containsEntry("error", "invalid_request");
        }
        // Without a Content-Length (chunked), the limit holds while reading.
        try (Socket socket = socket()) {
            byte[] body = oversized.getBytes(StandardCharsets.US_ASCII);
            StringBuilder request = new StringBuilder("POST /t/10001/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: " + basic() + "\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n");
            for (int offset = 0; offset < body.length; offset += 500) {
                int n = Math.min(500, body.length - offset);
                request.append(Integer.toHexString(n)).append("\r\n")
                        .append(new String(body, offset, n, StandardCharsets.US_ASCII)).append("\r\n");
            }
            request.append("0\r\n\r\n");
            send(socket, request.toString());

            Response response = readResponse(socket.getInputStream());

            assertThat(response).isNotNull();
            assertThat(response.status()).as(response.toString()).isEqualTo(413);
            assertThat(JSONObjectUtils.parse(response.body())).containsEntry("error", "invalid_request");
        }
    }

    // ---------------------------------------------------------------- timeouts

    @Test
    void clientWhenItSendsHalfARequestLineAndStallsThenDisconnectedAfterTheIdleTimeout() throws Exception {
        try (Socket socket = socket()) {
            send(socket, "GET /t/10001/oau");
            long started = System.nanoTime();

            boolean closed = awaitClose(socket, IDLE_TIMEOUT.plus(MARGIN).plusSeconds(1));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

            assertThat(closed).as("the server closed the stalled connection").isTrue();
            assertThat(elapsed).as("closed after the idle timeout (%s), not long after", IDLE_TIMEOUT)
                    .isLessThanOrEqualTo(IDLE_TIMEOUT.plus(MARGIN))
                    // Helidon counts idleness in whole check periods from the connection's last
                    // activity, so it may close a little before the full timeout, never at once.
                    .isGreaterThanOrEqualTo(IDLE_TIMEOUT.dividedBy(2));
        }
    }

    @Test
    void clientWhenItTricklesItsHeadersThenDisconnectedAfterTheRequestTimeout() throws Exception {
        try (Socket socket = socket()) {
            assertTricklingRequestCut(socket, "POST /t/10001/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        }
    }

    @Test
    void clientWhenItStopsHalfWayThroughItsBodyThenDisconnectedAfterTheRequestTimeout() throws Exception {
        try (Socket socket = socket()) {
            send(socket, "POST /t/10001/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=");

            assertClosedWithinTheRequestTimeout(socket);
        }
    }

    @Test
    void keepAliveConnectionWhenIdleThenClosedAfterTheIdleTimeout() throws Exception {
        try (Socket socket = socket()) {
            send(socket, "GET /t/10001/oauth2/jwks HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            Response first = readResponse(socket.getInputStream());
            assertThat(first).isNotNull();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.headers().getOrDefault("connection", "keep-alive")).isNotEqualToIgnoringCase("close");
            // Still usable right away: it is a keep-alive connection.
            send(socket, "GET /t/10001/oauth2/jwks HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            Response second = readResponse(socket.getInputStream());
            assertThat(second).isNotNull();
            assertThat(second.status()).isEqualTo(200);
            long idleSince = System.nanoTime();

            Duration limit = IDLE_TIMEOUT.plus(MARGIN);
            boolean closed = awaitClose(socket, limit.plusSeconds(1));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - idleSince);

            assertThat(closed).as("the server closed the idle connection").isTrue();
            assertThat(elapsed).as("closed within idle-connection (%s) + margin", IDLE_TIMEOUT)
                    .isLessThanOrEqualTo(limit);
        }
    }

    // ---------------------------------------------------------------- the management port (issue 11)

    @Test
    void managementPortWhenAClientTricklesItsHeadersThenDisconnectedAfterTheRequestTimeout() throws Exception {
        try (Socket socket = managementSocket(server)) {
            assertTricklingRequestCut(socket, "GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        }
    }

    @Test
    void managementPortWhenAClientStopsHalfWayThroughItsHeadersThenDisconnectedAfterTheRequestTimeout()
            throws Exception {
        try (Socket socket = managementSocket(server)) {
            send(socket, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/pl");

            assertClosedWithinTheRequestTimeout(socket);
        }
    }

    @Test
    void managementPortWhenHeadersOverTheLimitThenRefusedWithA4xx() throws Exception {
        try (Socket socket = managementSocket(server)) {
            send(socket, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + "h".repeat(MAX_HEADER_BYTES)
                    + "\r\n\r\n");
            Response response = readResponse(socket.getInputStream());

            if (response != null) {
                assertThat(response.status()).isBetween(400, 499);
            }
            assertClosedSoon(socket);
        }
    }

    @Test
    void managementPortWhenItsConnectionsAreAllTakenThenAFurtherOneWaitsWhileThePublicPortServes(
            @TempDir Path ownDir) throws Exception {
        // A server of its own with long timeouts, so the held connections stay held for the whole test.
        int cap = 2;
        ServerConfig config = ServerConfig.builder().port(0).managementPort(0).store(StoreConfig.embedded(ownDir))
                .defaultTenant(TENANT)
                .limits(new HttpLimits(MAX_HEADER_BYTES, MAX_REQUEST_LINE_BYTES, Duration.ofMinutes(2),
                        MAX_CONNECTIONS, Duration.ofMinutes(1), Duration.ZERO, cap))
                .build();
        List<Socket> held = new ArrayList<>();
        try (Tollgate ownApp = Tollgate.open(config, Clock.systemUTC());
             TollgateServer own = TollgateServer.start(ownApp, config)) {
            ownApp.bootstrap(TENANT);
            for (int i = 0; i < cap; i++) {
                Socket socket = managementSocket(own);
                held.add(socket);
                send(socket, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(readResponse(socket.getInputStream())).extracting(Response::status).isEqualTo(200);
            }
            try (Socket beyond = managementSocket(own)) {
                send(beyond, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

                beyond.setSoTimeout(500);
                assertThatThrownBy(() -> beyond.getInputStream().read())
                        .as("not served while the cap is taken").isInstanceOf(SocketTimeoutException.class);
                try (Socket publicPort = new Socket("127.0.0.1", own.port())) {
                    publicPort.setSoTimeout(10_000);
                    send(publicPort, "GET /t/10001/oauth2/jwks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                    assertThat(readResponse(publicPort.getInputStream())).extracting(Response::status).isEqualTo(200);
                }

                held.removeFirst().close();
                beyond.setSoTimeout(10_000);
                assertThat(readResponse(beyond.getInputStream())).as("served once a connection is free")
                        .extracting(Response::status).isEqualTo(200);
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private record Response(int status, Map<String, String> headers, String body) {
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((client.client().clientId().value() + ":"
                + client.secret().reveal()).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest tokenRequest(String body) {
        return HttpRequest.newBuilder(uri("/t/10001/oauth2/token"))
                .header("Authorization", basic())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static Socket managementSocket(TollgateServer target) throws IOException {
        Socket socket = new Socket("127.0.0.1", target.managementPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Slow loris: after {@code requestStart}, one more header line every 300 ms, never the blank line
     * that ends them; the server must drop the connection within the request timeout.
     */
    private static void assertTricklingRequestCut(Socket socket, String requestStart) throws Exception {
        long started = System.nanoTime();
        send(socket, requestStart);
        boolean closed = false;
        for (int i = 0; i < 20 && !closed; i++) {
            Thread.sleep(300);
            try {
                send(socket, "X-Slow-" + i + ": 1\r\n");
            } catch (IOException e) {
                closed = true;
            }
            if (!closed) {
                closed = awaitClose(socket, Duration.ofMillis(1));
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(closed).as("the server dropped the trickling request").isTrue();
        assertThat(elapsed).isLessThanOrEqualTo(REQUEST_TIMEOUT.plus(MARGIN));
    }

    /** A request that stalled just now is dropped within the request timeout. */
    private static void assertClosedWithinTheRequestTimeout(Socket socket) throws IOException {
        long started = System.nanoTime();

        boolean closed = awaitClose(socket, REQUEST_TIMEOUT.plus(MARGIN).plusSeconds(1));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(closed).as("the server dropped the stalled request").isTrue();
        assertThat(elapsed).isLessThanOrEqualTo(REQUEST_TIMEOUT.plus(MARGIN));
    }

    /** Waits until the server closes (EOF or reset); false if it is still open after {@code atMost}. */
    private static boolean awaitClose(Socket socket, Duration atMost) throws IOException {
        socket.setSoTimeout((int) atMost.toMillis());
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
                // Anything the server says first (an error response) is fine; keep waiting for the close.
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the server
        }
    }

    private static void assertClosedSoon(Socket socket) throws IOException {
        assertThat(awaitClose(socket, Duration.ofSeconds(5))).as("the connection is closed after the refusal").isTrue();
    }

    /** One HTTP/1.1 response with a Content-Length (or none, read to close); null if closed before any byte. */
    private static Response readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] terminator = {'\r', '\n', '\r', '\n'};
        try {
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return head.size() == 0 ? null : parse(head.toString(StandardCharsets.ISO_8859_1), "");
                }
                head.write(b);
                matched = b == terminator[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        } catch (SocketException e) {
            return head.size() == 0 ? null : parse(head.toString(StandardCharsets.ISO_8859_1), "");
        }
        Response headOnly = parse(head.toString(StandardCharsets.ISO_8859_1), "");
        String length = headOnly.headers().get("content-length");
        byte[] body;
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if ("chunked".equalsIgnoreCase(headOnly.headers().get("transfer-encoding"))) {
            body = readChunked(in);
        } else {
            body = new byte[0];
        }
        return new Response(headOnly.status(), headOnly.headers(), new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
            if (size == 0) {
                readLine(in);
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static Response parse(String head, String body) {
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
        }
        return new Response(Integer.parseInt(statusLine[1]), headers, body);
    }
}
