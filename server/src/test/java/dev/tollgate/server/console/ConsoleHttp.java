package dev.tollgate.server.console;

import dev.tollgate.server.TestServer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A console visitor over plain HTTP: keeps the session cookie itself (so tests can plant, keep or
 * drop it), follows no redirects, and sends same-origin headers the way a browser would unless
 * told otherwise.
 */
final class ConsoleHttp implements AutoCloseable {

    static final String COOKIE = "tollgate_session";

    private final TestServer server;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    String session;

    ConsoleHttp(TestServer server) {
        this.server = server;
    }

    String origin() {
        return server.baseUrl();
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    /** A same-origin form POST; {@code fields} are name, value, name, value… */
    HttpResponse<String> post(String path, String... fields) {
        return post(path, List.of("Origin", origin()), fields);
    }

    /** A form POST with exactly the extra headers given (name, value…). */
    HttpResponse<String> post(String path, List<String> headers, String... fields) {
        HttpRequest.Builder builder = request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields)));
        for (int i = 0; i < headers.size(); i += 2) {
            builder.header(headers.get(i), headers.get(i + 1));
        }
        return send(builder.build());
    }

    HttpResponse<String> postRaw(String path, String body) {
        return send(request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", origin())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** GET that must answer 200, parsed. */
    Document page(String path) {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return Jsoup.parse(response.body(), origin());
    }

    /** The session's CSRF token, as every page's logout form carries it. */
    String csrf() {
        return page("/console/password").select("input[name=csrf]").first().attr("value");
    }

    /** Signs in; keeps the new session cookie and returns where the console sent the browser. */
    String login(String username, String password) {
        HttpResponse<String> response = post("/console/login", "tenant", TestServer.TENANT.value(),
                "username", username, "password", password);
        assertThat(response.statusCode()).as("login of %s: %s", username, response.body()).isEqualTo(303);
        session = sessionCookie(response).orElseThrow();
        return response.headers().firstValue("Location").orElseThrow();
    }

    void changePassword(String current, String next) {
        HttpResponse<String> response = post("/console/password", "csrf", csrf(), "current", current,
                "password", next, "confirm", next);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
        session = sessionCookie(response).orElseThrow();
    }

    /** The session id a response sets, if it sets one (a cleared cookie is an empty value). */
    static Optional<String> sessionCookie(HttpResponse<?> response) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            if (header.startsWith(COOKIE + "=")) {
                String value = header.substring(COOKIE.length() + 1, header.indexOf(';'));
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    static String form(String... fields) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < fields.length; i += 2) {
            pairs.add(URLEncoder.encode(fields[i], StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        return String.join("&", pairs);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(origin() + path));
        if (session != null) {
            builder.header("Cookie", COOKIE + "=" + session);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
