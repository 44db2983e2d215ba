package dev.tollgate.server.http;

import dev.tollgate.core.tenant.TenantId;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code GET /}: where someone who just started the server lands. Links the console, the default
 * tenant's metadata and keys, the OpenAPI document and the docs, which the jar carries
 * ({@code GET /docs/NAME.md}, as plain text) so they describe the version that is running.
 */
public final class StartPage {

    /** The docs served, in reading order, with what each is for. */
    static final Map<String, String> DOCS = docs();

    // The page has no script, no style and no form; nothing else may load either.
    private static final String CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    private static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName CONTENT_TYPE_OPTIONS = HeaderNames.create("X-Content-Type-Options");

    private final TenantId defaultTenant;
    private final Function<TenantId, String> issuers;
    private final String version;

    public StartPage(TenantId defaultTenant, Function<TenantId, String> issuers, String version) {
        this.defaultTenant = defaultTenant;
        this.issuers = issuers;
        this.version = version;
    }

    private static Map<String, String> docs() {
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put("USING-TOKENS.md", "checking tokens in your API: Spring Boot, the Java libraries, node, python, curl");
        docs.put("ADMIN.md", "the console, the admin API, admins and capabilities, the audit log");
        docs.put("CONFIGURATION.md", "every configuration key and environment variable");
        docs.put("OPERATIONS.md", "install, upgrade, backup, key rotation, monitoring");
        docs.put("ARCHITECTURE.md", "the modules and how one request flows through them");
        docs.put("BENCHMARKS.md", "throughput and latency, and how to reproduce them");
        return docs;
    }

    /** {@code GET /}. */
    public void page(ServerRequest req, ServerResponse res) {
        String issuer = issuers.apply(defaultTenant);
        String tenant = defaultTenant.value();
        StringBuilder html = new StringBuilder(2048).append("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Tollgate</title></head>
                <body>
                <h1>Tollgate</h1>
                <p>OAuth 2.0 authorization server for machine-to-machine API access, version\s""")
                .append(escape(version)).append(".</p>\n<ul>\n");
        link(html, "/console", "Console", "client credentials, scopes, admins, users, audit log");
        link(html, "/.well-known/oauth-authorization-server/t/" + tenant, "Metadata of tenant " + tenant,
                "RFC 8414; issuer " + issuer);
        link(html, "/t/" + tenant + "/oauth2/jwks", "Signing keys of tenant " + tenant, "JWKS, RFC 7517");
        link(html, "/admin/api/openapi.json", "Admin API", "OpenAPI 3.1 description");
        html.append("</ul>\n<p>Get a token: <code>curl -u \"$CLIENT_ID:$CLIENT_SECRET\" -d grant_type=client_credentials ")
                .append(escape(issuer)).append("/oauth2/token</code></p>\n<h2>Docs</h2>\n<ul>\n");
        DOCS.forEach((name, what) -> link(html, "/docs/" + name, name, what));
        html.append("</ul>\n</body></html>\n");
        secure(res);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.send(html.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code GET /docs/{name}}: one of {@link #DOCS}, as plain text; anything else 404. */
    public void doc(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        // Only the listed names: the parameter never becomes a resource path of its own.
        byte[] body = DOCS.containsKey(name) ? read(name) : null;
        secure(res);
        if (body == null) {
            res.status(Status.NOT_FOUND_404);
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.send("no such document\n");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.send(body);
    }

    private static byte[] read(String name) {
        try (InputStream in = StartPage.class.getResourceAsStream("/dev/tollgate/server/docs/" + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void secure(ServerResponse res) {
        res.header(CONTENT_SECURITY_POLICY, CSP);
        res.header(CONTENT_TYPE_OPTIONS, "nosniff");
    }

    private static void link(StringBuilder html, String href, String text, String what) {
        html.append("<li><a href=\"").append(escape(href)).append("\">").append(escape(text)).append("</a>: ")
                .append(escape(what)).append("</li>\n");
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
