package dev.tollgate.server.console;

import dev.tollgate.server.Administration;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Totp;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.TotpCodes;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's defences over plain HTTP, without a browser: CSRF and cross-site refusals, stored
 * markup shown as text, security headers on every response, tenant isolation, session fixation,
 * logout, oversized forms, and a secret that appears once.
 */
class ConsoleSecurityTest {

    private static final String PASSWORD = "a long console password";
    private static final String SCRIPT = "<script>alert(1)</script>";
    private static final String IMG = "\"><img src=x onerror=alert(1)>";

    private static TestServer server;
    private static ConsoleHttp console;

    @BeforeAll
    static void start() {
        server = TestServer.embedded();
        String generated = server.app().adminAccounts().bootstrap(TestServer.TENANT).orElseThrow().password();
        console = new ConsoleHttp(server);
        assertThat(console.login("admin", generated)).isEqualTo("/console/password");
        console.changePassword(generated, PASSWORD);
    }

    @AfterAll
    static void stop() {
        console.close();
        server.close();
    }

    // ---------------------------------------------------------------- CSRF and cross-site requests

    @Test
    void formWhenNoCsrfTokenThenRefusedAndChangesNothing() {
        long before = clientCount();
        HttpResponse<String> response = console.post("/console/clients/new", "name", "no token", "lifetime", "3600");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(clientCount()).isEqualTo(before);
    }

    @Test
    void formWhenWrongCsrfTokenThenRefusedAndChangesNothing() {
        long before = clientCount();
        String token = console.csrf();
        String wrong = (token.charAt(0) == 'A' ? 'B' : 'A') + token.substring(1);
        HttpResponse<String> response = console.post("/console/clients/new", "csrf", wrong, "name", "wrong token",
                "lifetime", "3600");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(console.post("/console/clients/new", "csrf", "", "name", "empty token", "lifetime", "3600")
                .statusCode()).isEqualTo(403);
        assertThat(clientCount()).isEqualTo(before);
    }

    @Test
    void formWhenFromAnotherOriginThenRefusedEvenWithTheRightToken() {
        long before = clientCount();
        String token = console.csrf();
        for (String origin : List.of("https://evil.example", "null", console.origin().replace("127.0.0.1", "localhost"))) {
            HttpResponse<String> response = console.post("/console/clients/new", List.of("Origin", origin),
                    "csrf", token, "name", "cross origin", "lifetime", "3600");
            assertThat(response.statusCode()).as(origin).isEqualTo(403);
        }
        assertThat(clientCount()).isEqualTo(before);
    }

    @Test
    void formWhenMarkedCrossSiteThenRefusedEvenWithTheRightToken() {
        long before = clientCount();
        String token = console.csrf();
        for (String site : List.of("cross-site", "same-site")) {
            HttpResponse<String> response = console.post("/console/clients/new", List.of("Sec-Fetch-Site", site),
                    "csrf", token, "name", "cross site", "lifetime", "3600");
            assertThat(response.statusCode()).as(site).isEqualTo(403);
            HttpResponse<String> nullOrigin = console.post("/console/clients/new",
                    List.of("Origin", "null", "Sec-Fetch-Site", site), "csrf", token, "name", "null", "lifetime", "3600");
            assertThat(nullOrigin.statusCode()).as(site).isEqualTo(403);
        }
        assertThat(clientCount()).isEqualTo(before);
    }

    @Test
    void formWhenSameOriginWithTheTokenThenAccepted() {
        long before = clientCount();
        HttpResponse<String> response = console.post("/console/clients/new", List.of("Origin", console.origin(),
                "Sec-Fetch-Site", "same-origin"), "csrf", console.csrf(), "name", "accepted", "lifetime", "3600");
        assertThat(response.statusCode()).isEqualTo(303);
        // What a browser sends from a page with "Referrer-Policy: no-referrer": Origin null, vouched for by Fetch Metadata.
        HttpResponse<String> noReferrer = console.post("/console/clients/new", List.of("Origin", "null",
                "Sec-Fetch-Site", "same-origin"), "csrf", console.csrf(), "name", "accepted", "lifetime", "3600");
        assertThat(noReferrer.statusCode()).isEqualTo(303);
        assertThat(clientCount()).isEqualTo(before + 2);
    }

    @Test
    void loginWhenFromAnotherSiteThenRefusedAndOpensNoSession() {
        try (ConsoleHttp stranger = new ConsoleHttp(server)) {
            HttpResponse<String> fromOrigin = stranger.post("/console/login",
                    List.of("Origin", "https://evil.example"),
                    "tenant", TestServer.TENANT.value(), "username", "admin", "password", PASSWORD);
            HttpResponse<String> crossSite = stranger.post("/console/login", List.of("Sec-Fetch-Site", "cross-site"),
                    "tenant", TestServer.TENANT.value(), "username", "admin", "password", PASSWORD);
            for (HttpResponse<String> response : List.of(fromOrigin, crossSite)) {
                assertThat(response.statusCode()).isEqualTo(403);
                assertThat(ConsoleHttp.sessionCookie(response)).isEmpty();
            }
        }
    }

    // ---------------------------------------------------------------- stored markup

    @Test
    void clientNamesWhenMarkupThenShownAsText() {
        for (String name : List.of(SCRIPT, IMG)) {
            HttpResponse<String> created = console.follow(console.post("/console/clients/new", "csrf",
                    console.csrf(), "name", name, "lifetime", "3600"));
            assertThat(created.statusCode()).isEqualTo(200);
            assertShownAsText(created.body(), name);
            String id = Jsoup.parse(created.body()).getElementById("client-id").text();

            Document detail = console.page("/console/clients/" + id);
            assertShownAsText(detail.outerHtml(), name);
            assertThat(detail.getElementById("client-name").text()).isEqualTo(name);
            assertThat(detail.select("input#name").attr("value")).isEqualTo(name);
            assertShownAsText(console.get("/console/clients/" + id).body(), name);
            assertShownAsText(console.get("/console/clients/" + id + "/delete").body(), name);
            assertShownAsText(console.get("/console/clients?q=" + java.net.URLEncoder.encode(name,
                    java.nio.charset.StandardCharsets.UTF_8)).body(), name);
        }
        assertShownAsText(console.get("/console/clients").body(), SCRIPT);
        assertShownAsText(console.get("/console/audit").body(), SCRIPT);
    }

    @Test
    void scopeDescriptionsWhenMarkupThenShownAsText() {
        HttpResponse<String> created = console.post("/console/scopes", "csrf", console.csrf(),
                "name", "xss:script", "description", SCRIPT);
        assertThat(created.statusCode()).isEqualTo(303);
        HttpResponse<String> described = console.post("/console/scopes", "csrf", console.csrf(),
                "name", "xss:img", "description", IMG);
        assertThat(described.statusCode()).isEqualTo(303);

        String scopes = console.get("/console/scopes").body();
        assertShownAsText(scopes, SCRIPT);
        assertShownAsText(scopes, IMG);
        // The client form lists the descriptions next to the checkboxes.
        String form = console.get("/console/clients/new").body();
        assertShownAsText(form, SCRIPT);
        assertShownAsText(form, IMG);
        assertThat(Jsoup.parse(form).select("fieldset.choices .hint").eachText()).contains(SCRIPT, IMG);
    }

    @Test
    void userNamesWhenMarkupThenShownAsText() {
        HttpResponse<String> created = console.post("/console/users", "csrf", console.csrf(),
                "username", "mallory", "email", "mallory@example.com", "first_name", SCRIPT, "last_name", IMG);
        assertThat(created.statusCode()).isEqualTo(303);
        String users = console.get("/console/users").body();
        assertShownAsText(users, SCRIPT);
        assertShownAsText(users, IMG);

        // Usernames are validated, so markup is refused; the form shows the attempt again, as text.
        HttpResponse<String> refused = console.post("/console/users", "csrf", console.csrf(),
                "username", SCRIPT, "email", IMG, "first_name", "", "last_name", "");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertShownAsText(refused.body(), SCRIPT);
        Document page = Jsoup.parse(refused.body());
        assertThat(page.select("#user-username").attr("value")).isEqualTo(SCRIPT);
        assertThat(page.select("#user-email").attr("value")).isEqualTo(IMG);
    }

    /** The raw markup never reaches the page; the escaped text does; no element came from it. */
    private static void assertShownAsText(String html, String raw) {
        assertThat(html).doesNotContain(raw);
        Document document = Jsoup.parse(html);
        assertThat(document.select("script")).hasSize(1);
        assertThat(document.select("script").first().attr("src")).isEqualTo("/console/static/console.js");
        assertThat(document.select("img")).isEmpty();
        assertThat(document.select("[onerror]")).isEmpty();
        assertThat(document.text() + document.select("input, textarea").eachAttr("value")).contains(raw);
    }

    // ---------------------------------------------------------------- headers

    @Test
    void consoleResponsesWhenAnyThenCarryTheSecurityHeaders() {
        String id = clientOf(TestServer.TENANT).clientId().value();
        List<String> paths = List.of("/console", "/console/clients", "/console/clients?q=x&page=2",
                "/console/clients/new", "/console/clients/" + id, "/console/clients/" + id + "/delete",
                "/console/scopes", "/console/admins", "/console/users", "/console/audit", "/console/password",
                "/console/account/totp", "/console/login", "/console/static/console.css", "/console/static/console.js",
                "/console/no-such-page", "/console/clients/no-such-client", "/console/clients/" + id + "/secret");
        for (String path : paths) {
            assertSecurityHeaders(console.get(path), "GET " + path);
        }
        assertSecurityHeaders(console.post("/console/clients/new", "name", "no token"), "POST without token");
        try (ConsoleHttp anonymous = new ConsoleHttp(server)) {
            assertSecurityHeaders(anonymous.get("/console/clients"), "GET without session");
            assertSecurityHeaders(anonymous.get("/console/login"), "GET login without session");
        }
    }

    private static void assertSecurityHeaders(HttpResponse<String> response, String what) {
        var headers = response.headers();
        assertThat(headers.firstValue("Content-Security-Policy")).as(what).contains(
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        assertThat(headers.firstValue("X-Content-Type-Options")).as(what).contains("nosniff");
        assertThat(headers.firstValue("Referrer-Policy")).as(what).contains("no-referrer");
        assertThat(headers.firstValue("X-Frame-Options")).as(what).contains("DENY");
        assertThat(headers.firstValue("Cache-Control")).as(what).contains("no-store");
    }

    @Test
    void consolePathsWhenUnknownThenConsoleNotFoundPages() {
        for (String path : List.of("/console/no-such-page", "/console/clients/a/b/c", "/console/static/other.js",
                "/console/clients/not%20an%20id")) {
            HttpResponse<String> response = console.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).as(path).contains("text/html; charset=utf-8");
        }
        assertThat(console.post("/console/clients/new/extra", "csrf", console.csrf()).statusCode()).isEqualTo(404);
    }

    @Test
    void pagesWhenServedThenHoldNoInlineScriptsOrStyles() {
        String id = clientOf(TestServer.TENANT).clientId().value();
        for (String path : List.of("/console/clients", "/console/clients/new", "/console/clients/" + id,
                "/console/scopes", "/console/admins", "/console/users", "/console/audit", "/console/account/totp")) {
            Document page = console.page(path);
            assertThat(page.select("style, [style]")).as(path).isEmpty();
            for (Element script : page.select("script")) {
                assertThat(script.attr("src")).as(path).isEqualTo("/console/static/console.js");
                assertThat(script.data()).as(path).isEmpty();
            }
            assertThat(page.getAllElements().stream()
                    .flatMap(e -> e.attributes().asList().stream())
                    .filter(a -> a.getKey().startsWith("on"))).as(path).isEmpty();
            for (Element form : page.select("form[method=post]")) {
                assertThat(form.select("input[name=csrf]").attr("value")).as(path).isNotEmpty();
            }
        }
    }

    // ---------------------------------------------------------------- tenant isolation

    @Test
    void clientWhenInAnotherTenantThenNotFoundAndShowsNothing() {
        ProvisionedTenant other = Administration.of(server.app()).tenants.create(TenantId.of("20001"), "Other",
                TenantSettings.DEFAULTS);
        ClientCredential theirs = other.clients().getFirst().client();
        String id = theirs.clientId().value();

        HttpResponse<String> detail = console.get("/console/clients/" + id);
        assertThat(detail.statusCode()).isEqualTo(404);
        assertThat(detail.body()).doesNotContain(id).doesNotContain(theirs.allowedScopes().toSpaceDelimited()
                .isEmpty() ? id : theirs.allowedScopes().toSpaceDelimited());
        assertThat(console.get("/console/clients/" + id + "/delete").statusCode()).isEqualTo(404);

        String token = console.csrf();
        for (String action : List.of("scopes", "settings", "rotate", "end-previous", "enabled", "delete")) {
            HttpResponse<String> response = console.post("/console/clients/" + id + "/" + action, "csrf", token,
                    "scope", "users:read", "name", "taken over", "lifetime", "60", "overlap", "0", "enabled", "false");
            assertThat(response.statusCode()).as(action).isEqualTo(404);
            assertThat(response.body()).as(action).doesNotContain(id);
        }
        ClientCredential after = server.app().adminOperations()
                .clients().get(Actor.cli(other.tenant().id()), other.tenant().id(), theirs.clientId());
        assertThat(after).isEqualTo(theirs);
        // A search for it finds nothing (the search box shows what was typed, and that is all).
        Document search = Jsoup.parse(console.get("/console/clients?q=" + id).body());
        assertThat(search.select("#clients")).isEmpty();
        assertThat(search.select("a[href*=" + id + "]")).isEmpty();
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void sessionIdWhenPlantedBeforeLoginThenNotTheSessionAfterIt() {
        try (ConsoleHttp victim = new ConsoleHttp(server)) {
            // An id the attacker made up.
            victim.session = "planted-by-an-attacker-0123456789";
            assertThat(victim.get("/console/login").statusCode()).isEqualTo(200);
            victim.login("admin", PASSWORD);
            assertThat(victim.session).isNotEqualTo("planted-by-an-attacker-0123456789");
            assertThat(victim.get("/console/clients").statusCode()).isEqualTo(200);

            // A real session the attacker got for themselves: ended by the login, not reused.
            String planted = victim.session;
            victim.login("admin", PASSWORD);
            assertThat(victim.session).isNotEqualTo(planted);
            assertThat(victim.get("/console/clients").statusCode()).isEqualTo(200);
            try (ConsoleHttp attacker = new ConsoleHttp(server)) {
                attacker.session = planted;
                HttpResponse<String> response = attacker.get("/console/clients");
                assertThat(response.statusCode()).isEqualTo(303);
                assertThat(response.headers().firstValue("Location")).contains("/console/login");
            }
        }
    }

    @Test
    void logoutWhenSignedInThenTheSessionEnds() {
        try (ConsoleHttp admin = new ConsoleHttp(server)) {
            admin.login("admin", PASSWORD);
            String token = admin.csrf();
            String session = admin.session;

            HttpResponse<String> logout = admin.post("/console/logout", "csrf", token);
            assertThat(logout.statusCode()).isEqualTo(303);
            assertThat(logout.headers().firstValue("Location")).contains("/console/login");
            assertThat(ConsoleHttp.sessionCookie(logout)).contains("");

            admin.session = session;
            HttpResponse<String> after = admin.get("/console/clients");
            assertThat(after.statusCode()).isEqualTo(303);
            assertThat(after.headers().firstValue("Location")).contains("/console/login");
            long before = clientCount();
            assertThat(admin.post("/console/clients/new", "csrf", token, "name", "after logout", "lifetime", "3600")
                    .statusCode()).isEqualTo(303);
            assertThat(clientCount()).isEqualTo(before);
        }
    }

    @Test
    void logoutWhenNoCsrfTokenThenRefused() {
        try (ConsoleHttp admin = new ConsoleHttp(server)) {
            admin.login("admin", PASSWORD);
            assertThat(admin.post("/console/logout").statusCode()).isEqualTo(403);
            assertThat(admin.get("/console/clients").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void pagesWhenNoSessionThenSendToTheLoginPage() {
        try (ConsoleHttp anonymous = new ConsoleHttp(server)) {
            for (String path : List.of("/console", "/console/clients", "/console/clients/new", "/console/scopes",
                    "/console/admins", "/console/users", "/console/audit", "/console/password")) {
                HttpResponse<String> response = anonymous.get(path);
                assertThat(response.statusCode()).as(path).isEqualTo(303);
                assertThat(response.headers().firstValue("Location")).as(path).contains("/console/login");
            }
            Document login = anonymous.page("/console/login");
            assertThat(login.select("#tenant").attr("value")).isEqualTo(TestServer.TENANT.value());
            assertThat(login.select("nav.sidebar")).isEmpty();
        }
    }

    @Test
    void loginWhenUnknownUserOrWrongPasswordThenRefusalsLookTheSame() {
        try (ConsoleHttp stranger = new ConsoleHttp(server)) {
            HttpResponse<String> unknown = stranger.post("/console/login", "tenant", TestServer.TENANT.value(),
                    "username", "nobody", "password", "whatever it is");
            HttpResponse<String> wrong = stranger.post("/console/login", "tenant", TestServer.TENANT.value(),
                    "username", "admin", "password", "not the password");
            assertThat(unknown.statusCode()).isEqualTo(wrong.statusCode()).isEqualTo(403);
            assertThat(Jsoup.parse(unknown.body()).getElementById("error").text())
                    .isEqualTo(Jsoup.parse(wrong.body()).getElementById("error").text());
            assertThat(ConsoleHttp.sessionCookie(unknown)).isEmpty();
            assertThat(ConsoleHttp.sessionCookie(wrong)).isEmpty();
        }
    }

    @Test
    void loginWhenASecondFactorIsEnrolledThenAsksForIt() throws Exception {
        String password = server.app().adminOperations().administrators().create(Actor.cli(TestServer.TENANT), TestServer.TENANT,
                "with-totp", AdminRole.ADMIN, Set.of()).password();
        byte[] key = new byte[20];
        new java.security.SecureRandom().nextBytes(key);
        Admin admin = server.app().store().admins().findByUsername(TestServer.TENANT, "with-totp").orElseThrow();
        server.app().store().admins().update(admin.withTotpSecret(Totp.encodeBase32(key), admin.updatedAt()));

        try (ConsoleHttp visitor = new ConsoleHttp(server)) {
            HttpResponse<String> asked = visitor.post("/console/login", "tenant", TestServer.TENANT.value(),
                    "username", "with-totp", "password", password);
            assertThat(asked.statusCode()).isEqualTo(200);
            assertThat(ConsoleHttp.sessionCookie(asked)).isEmpty();
            Document page = Jsoup.parse(asked.body());
            assertThat(page.select("#code").hasAttr("required")).isTrue();
            assertThat(page.select("#username").attr("value")).isEqualTo("with-totp");
            assertThat(page.select("#password").attr("value")).isEmpty();

            HttpResponse<String> signedIn = visitor.post("/console/login", "tenant", TestServer.TENANT.value(),
                    "username", "with-totp", "password", password, "code", TotpCodes.at(key, server.clock().instant()));
            assertThat(signedIn.statusCode()).isEqualTo(303);
            assertThat(signedIn.headers().firstValue("Location")).contains("/console/password");
            assertThat(ConsoleHttp.sessionCookie(signedIn)).isPresent();
        }
    }

    @Test
    void loginWhenRepeatedlyFailedThen429WithRetryAfter() {
        // A server of its own: the failures slow down every sign-in from this address.
        try (TestServer own = TestServer.embedded(); ConsoleHttp stranger = new ConsoleHttp(own)) {
            HttpResponse<String> response = null;
            for (int attempt = 0; attempt < 10; attempt++) {
                response = stranger.post("/console/login", "tenant", TestServer.TENANT.value(),
                        "username", "guesser", "password", "guess number " + attempt);
                if (response.statusCode() == 429) {
                    break;
                }
                assertThat(response.statusCode()).isEqualTo(403);
            }
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(
                    seconds -> assertThat(seconds).isPositive());
            assertThat(ConsoleHttp.sessionCookie(response)).isEmpty();
            assertSecurityHeaders(response, "429");
        }
    }

    // ---------------------------------------------------------------- oversized forms

    @Test
    void formWhenOversizedThenRefusedWith413AndChangesNothing() {
        long before = clientCount();
        String body = ConsoleHttp.form("csrf", console.csrf(), "name", "too big", "lifetime", "3600",
                "padding", "x".repeat(70 * 1024));
        HttpResponse<String> response = console.postRaw("/console/clients/new", body);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(clientCount()).isEqualTo(before);
        // Just under the limit is still a form.
        String fits = ConsoleHttp.form("csrf", console.csrf(), "name", "fits", "lifetime", "3600",
                "padding", "x".repeat(60 * 1024));
        assertThat(console.postRaw("/console/clients/new", fits).statusCode()).isEqualTo(303);
        assertThat(clientCount()).isEqualTo(before + 1);
    }

    // ---------------------------------------------------------------- the secret appears once

    @Test
    void secretWhenCreatedThenShownOnceAndOnNoLaterPage() {
        HttpResponse<String> created = console.follow(console.post("/console/clients/new", "csrf", console.csrf(),
                "name", "shown once", "scope", "users:read", "lifetime", "3600"));
        assertThat(created.statusCode()).isEqualTo(200);
        Document page = Jsoup.parse(created.body());
        String id = page.getElementById("client-id").text();
        String secret = page.getElementById("client-secret").text();
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
        assertThat(page.getElementById("secret-warning").text()).contains("shown only this once");

        for (String path : List.of("/console/clients/" + id, "/console/clients", "/console/clients?q=shown",
                "/console/audit", "/console/audit?client=" + id, "/console/clients/" + id + "/delete",
                "/console/clients/" + id + "/secret")) {
            assertThat(console.get(path).body()).as(path).doesNotContain(secret);
        }

        HttpResponse<String> rotated = console.follow(console.post("/console/clients/" + id + "/rotate", "csrf",
                console.csrf(), "overlap", "0"));
        assertThat(rotated.statusCode()).isEqualTo(200);
        String second = Jsoup.parse(rotated.body()).getElementById("client-secret").text();
        assertThat(second).isNotEqualTo(secret);
        assertThat(console.get("/console/clients/" + id).body()).doesNotContain(second).doesNotContain(secret);
    }

    @Test
    void defaultCredentialWhenDeletedThenRefused() {
        ClientCredential builtin = clientOf(TestServer.TENANT);
        String id = builtin.clientId().value();
        assertThat(console.get("/console/clients/" + id + "/delete").statusCode()).isEqualTo(409);
        HttpResponse<String> response = console.post("/console/clients/" + id + "/delete", "csrf", console.csrf());
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(Jsoup.parse(response.body()).getElementById("error")).isNotNull();
        assertThat(server.app().adminOperations().clients().get(Actor.cli(TestServer.TENANT), TestServer.TENANT,
                builtin.clientId())).isNotNull();
    }

    private static ClientCredential clientOf(TenantId tenant) {
        return server.app().adminOperations().clients().list(Actor.cli(tenant), tenant, null, 0, 100).items().stream()
                .filter(ClientCredential::isBuiltin).findFirst().orElseThrow();
    }

    private static long clientCount() {
        return server.app().adminOperations().clients().list(Actor.cli(TestServer.TENANT), TestServer.TENANT, null, 0,
                1).total();
    }

}
