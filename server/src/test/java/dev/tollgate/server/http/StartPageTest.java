package dev.tollgate.server.http;

import dev.tollgate.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /} and the docs it links, as a browser gets them. */
class StartPageTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.embedded();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path) {
        return server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build());
    }

    @Test
    void startPageWhenFetchedThenLinksTheConsoleMetadataKeysOpenApiAndEveryDocAndEachLinkAnswers() {
        HttpResponse<String> page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).startsWith("default-src 'none'"));
        assertThat(page.body()).contains("version " + System.getProperty("tollgate.version"));
        var links = java.util.regex.Pattern.compile("href=\"([^\"]+)\"").matcher(page.body()).results()
                .map(m -> m.group(1)).toList();
        assertThat(links).contains("/console", "/t/10001/oauth2/jwks", "/.well-known/oauth-authorization-server/t/10001",
                "/admin/api/openapi.json", "/docs/USING-TOKENS.md", "/docs/CONFIGURATION.md");
        for (String link : links) {
            HttpResponse<String> target = get(link);
            assertThat(target.statusCode()).as(link).isIn(200, 303);
        }
        assertThat(get("/docs/USING-TOKENS.md").body()).startsWith("# Using the token");
    }

    @Test
    void docsWhenTheNameIsNotOneOfTheListedDocsThen404() {
        for (String path : new String[]{"/docs/README.md", "/docs/..%2Fpom.xml", "/docs/logback.xml",
                "/docs/%2e%2e%2fREADME.md"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isIn(400, 404);
            assertThat(response.body()).as(path).doesNotContain("<project").doesNotContain("<configuration");
        }
    }
}
