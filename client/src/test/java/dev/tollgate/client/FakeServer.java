package dev.tollgate.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK HTTP server on 127.0.0.1 and an ephemeral port playing a token endpoint ({@code /token})
 * and an API ({@code /api}) that accepts the tokens it was told are valid. It counts requests.
 */
final class FakeServer implements AutoCloseable {

    /** One token request as the endpoint saw it. */
    record TokenCall(String authorization, Map<String, String> form) {
    }

    private final HttpServer server;
    final AtomicInteger tokenRequests = new AtomicInteger();
    final AtomicInteger apiRequests = new AtomicInteger();
    final List<TokenCall> tokenCalls = new CopyOnWriteArrayList<>();
    final List<String> apiTokens = new CopyOnWriteArrayList<>();
    final Set<String> rejected = ConcurrentHashMap.newKeySet();

    volatile long expiresIn = 300;
    volatile long delayMillis;
    volatile int errorStatus;
    volatile String errorBody;
    volatile boolean apiAlwaysUnauthorized;

    FakeServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/token", this::token);
        server.createContext("/api", this::api);
        server.start();
    }

    URI tokenEndpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    URI api() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api");
    }

    /** Answers token requests with an OAuth error from now on. */
    void refuse(int status, String error, String description) {
        errorBody = "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}";
        errorStatus = status;
    }

    void accept() {
        errorStatus = 0;
    }

    private void token(HttpExchange exchange) throws IOException {
        int n = tokenRequests.incrementAndGet();
        tokenCalls.add(new TokenCall(exchange.getRequestHeaders().getFirst("Authorization"),
                form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))));
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (errorStatus != 0) {
            if (errorStatus == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fake\"");
            }
            write(exchange, errorStatus, errorBody);
            return;
        }
        write(exchange, 200, "{\"access_token\":\"token-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + expiresIn + "}");
    }

    private void api(HttpExchange exchange) throws IOException {
        apiRequests.incrementAndGet();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String token = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()) : null;
        apiTokens.add(String.valueOf(token));
        if (token == null || apiAlwaysUnauthorized || rejected.contains(token)) {
            // RFC 6750 §3.1
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            write(exchange, 401, "");
            return;
        }
        write(exchange, 200, "hello " + token);
    }

    private static void write(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
