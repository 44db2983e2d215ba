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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A console visitor over plain HTTP: keeps the session cookie itself (so tests can plant, keep or
 * drop it), and the shown-once cookies as a browser would (by path, dropped when cleared); follows
 * no redirects, and sends same-origin headers the way a browser would unless told otherwise.
 */
final class ConsoleHttp implements AutoCloseable {

    static final String COOKIE = "tollgate_session";
    static final String ONCE = "tollgate_once";

    private final TestServer server;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    String session;
    /** Shown-once cookies by their {@code Path}. */
    final Map<String, String> once = new LinkedHashMap<>();

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

    /** GETs where a 303 answer points. */
    HttpResponse<String> follow(HttpResponse<String> redirect) {
        assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(303);
        return get(redirect.headers().firstValue("Location").orElseThrow());
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
        return login(TestServer.TENANT.value(), username, password);
    }

    String login(String tenant, String username, String password) {
        HttpResponse<String> response = post("/console/login", "tenant", tenant,
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
        List<String> cookies = new ArrayList<>();
        if (session != null) {
            cookies.add(COOKIE + "=" + session);
        }
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        // RFC 6265 §5.1.4 path-match: the same path, or one below it.
        once.forEach((cookiePath, value) -> {
            if (bare.equals(cookiePath) || bare.startsWith(cookiePath.endsWith("/") ? cookiePath : cookiePath + "/")) {
                cookies.add(ONCE + "=" + value);
            }
        });
        if (!cookies.isEmpty()) {
            builder.header("Cookie", String.join("; ", cookies));
        }
        return builder;
    }

    /** Keeps or drops the shown-once cookies a response sets, as a browser's cookie jar would. */
    private void remember(HttpResponse<String> response) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            if (!header.startsWith(ONCE + "=")) {
                continue;
            }
            String value = header.substring(ONCE.length() + 1, header.indexOf(';'));
            String path = "/";
            boolean cleared = false;
            for (String attribute : header.split(";")) {
                String a = attribute.strip();
                if (a.startsWith("Path=")) {
                    path = a.substring("Path=".length());
                } else if (a.equals("Max-Age=0")) {
                    cleared = true;
                }
            }
            if (cleared || value.isEmpty()) {
                once.remove(path);
            } else {
                once.put(path, value);
            }
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            remember(response);
            return response;
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
