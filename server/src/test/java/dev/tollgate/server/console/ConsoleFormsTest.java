package dev.tollgate.server.console;

import dev.tollgate.server.Administration;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.server.TestServer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's forms over plain HTTP: every accepted POST answers 303 with a Location
 * (post/redirect/get), and a value made by a change (a client secret, an admin's generated
 * password) is shown by the first GET after the redirect and never again.
 */
class ConsoleFormsTest {

    private static final String PASSWORD = "a long console password";

    private static TestServer server;
    private static ConsoleHttp console;

    @BeforeAll
    static void start() {
        server = TestServer.embedded();
        String generated = server.app().adminAccounts().bootstrap(TestServer.TENANT).orElseThrow().password();
        console = new ConsoleHttp(server);
        console.login("admin", generated);
        console.changePassword(generated, PASSWORD);
    }

    @AfterAll
    static void stop() {
        console.close();
        server.close();
    }

    // ---------------------------------------------------------------- post/redirect/get

    @Test
    void clientCreateWhenAcceptedThenAnswers303ToTheSecretPageWithNothingInTheBody() {
        long before = clientCount();
        HttpResponse<String> created = console.post("/console/clients/new", "csrf", console.csrf(),
                "name", "redirected", "scope", "users:read", "lifetime", "3600");

        assertThat(created.statusCode()).isEqualTo(303);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/console/clients/[^/]+/secret");
        assertThat(created.body()).isEmpty();
        assertThat(clientCount()).isEqualTo(before + 1);
        // The secret rides in a cookie sealed to this session and this one page, kept from scripts and other sites.
        String cookie = created.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(ConsoleHttp.ONCE + "=")).findFirst().orElseThrow();
        assertThat(cookie).contains("; Path=" + location + ";", "; HttpOnly", "; SameSite=Strict", "; Max-Age=");
    }

    @Test
    void secretPageWhenOpenedTwiceThenShowsTheSecretOnceAndCreatesNothingMore() {
        long before = clientCount();
        HttpResponse<String> post = console.post("/console/clients/new", "csrf", console.csrf(),
                "name", "shown once", "scope", "users:read", "lifetime", "3600");
        String location = post.headers().firstValue("Location").orElseThrow();
        String sealed = console.once.get(location);

        HttpResponse<String> first = console.get(location);
        assertThat(first.statusCode()).isEqualTo(200);
        Document page = Jsoup.parse(first.body());
        String id = page.getElementById("client-id").text();
        String secret = page.getElementById("client-secret").text();
        assertThat(location).isEqualTo("/console/clients/" + id + "/secret");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
        assertThat(tokenStatus(id, secret)).isEqualTo(200);
        // The tenant's token endpoint, and a curl line to try the secret with.
        String tokenEndpoint = server.tokenEndpoint().toString();
        assertThat(page.getElementById("token-endpoint").text()).isEqualTo(tokenEndpoint);
        assertThat(page.getElementById("curl").text())
                .isEqualTo("curl -u \"$ID:$SECRET\" -d grant_type=client_credentials " + tokenEndpoint);
        assertThat(page.select("button.copy[data-copy=curl]")).hasSize(1);
        assertThat(page.select("button.copy[data-copy=client-secret]")).hasSize(1);

        // The reload: the cookie was cleared, so the page says the secret was shown, and shows nothing.
        HttpResponse<String> reload = console.get(location);
        assertThat(reload.statusCode()).isEqualTo(410);
        assertThat(reload.body()).doesNotContain(secret);
        assertThat(Jsoup.parse(reload.body()).getElementById("secret-gone").text()).contains("was shown once");
        assertThat(Jsoup.parse(reload.body()).getElementById("client-secret")).isNull();

        // Nor does the same cookie sent again, as a copy of it would be.
        console.once.put(location, sealed);
        HttpResponse<String> replayed = console.get(location);
        assertThat(replayed.statusCode()).isEqualTo(410);
        assertThat(replayed.body()).doesNotContain(secret);
        assertThat(clientCount()).isEqualTo(before + 1);
    }

    @Test
    void secretPageWhenTheCookieComesWithAnotherSessionOrPageThenShowsNothing() {
        HttpResponse<String> post = console.post("/console/clients/new", "csrf", console.csrf(),
                "name", "sealed to one session", "lifetime", "3600");
        String location = post.headers().firstValue("Location").orElseThrow();
        String sealed = console.once.get(location);
        String otherClient = ClientPages.secretHref(builtin().clientId());

        try (ConsoleHttp other = new ConsoleHttp(server)) {
            other.login("admin", PASSWORD);
            other.once.put(location, sealed);
            HttpResponse<String> stolen = other.get(location);
            assertThat(stolen.statusCode()).isEqualTo(410);
            assertThat(Jsoup.parse(stolen.body()).getElementById("client-secret")).isNull();
        }
        // The right session, the wrong page: the path is sealed in with the secret.
        console.once.put(otherClient, sealed);
        assertThat(console.get(otherClient).statusCode()).isEqualTo(410);
        // The value is still whole for its own page and session.
        assertThat(console.get(location).statusCode()).isEqualTo(200);
    }

    @Test
    void secretPageWhenOpenedLaterThanItsLifetimeThenShowsNothing() {
        HttpResponse<String> post = console.post("/console/clients/new", "csrf", console.csrf(),
                "name", "fetched too late", "lifetime", "3600");
        String location = post.headers().firstValue("Location").orElseThrow();
        server.clock().advance(ShownOnce.LIFETIME.plusSeconds(1));
        HttpResponse<String> late = console.get(location);
        assertThat(late.statusCode()).isEqualTo(410);
        assertThat(Jsoup.parse(late.body()).getElementById("client-secret")).isNull();
    }

    @Test
    void rotateWhenAcceptedThenAnswers303AndTheNewSecretIsShownOnce() {
        HttpResponse<String> created = console.follow(console.post("/console/clients/new", "csrf", console.csrf(),
                "name", "to rotate", "scope", "users:read", "lifetime", "3600"));
        String id = Jsoup.parse(created.body()).getElementById("client-id").text();
        String first = Jsoup.parse(created.body()).getElementById("client-secret").text();

        HttpResponse<String> rotate = console.post("/console/clients/" + id + "/rotate", "csrf", console.csrf(),
                "overlap", "60");
        assertThat(rotate.statusCode()).isEqualTo(303);
        assertThat(rotate.headers().firstValue("Location")).contains("/console/clients/" + id + "/secret");
        Document shown = Jsoup.parse(console.follow(rotate).body());
        String second = shown.getElementById("client-secret").text();
        assertThat(second).isNotEqualTo(first);
        assertThat(shown.getElementById("overlap").text()).contains("keeps working until");
        assertThat(tokenStatus(id, first)).isEqualTo(200);
        assertThat(tokenStatus(id, second)).isEqualTo(200);

        HttpResponse<String> reload = console.get("/console/clients/" + id + "/secret");
        assertThat(reload.statusCode()).isEqualTo(410);
        assertThat(reload.body()).doesNotContain(second);
    }

    @Test
    void revokeTokensWhenTheButtonIsPressedThenTheClientsTokensRevokedAndAuditedAndWithoutTheCsrfTokenNothing() {
        HttpResponse<String> created = console.follow(console.post("/console/clients/new", "csrf", console.csrf(),
                "name", "to revoke", "scope", "users:read", "lifetime", "3600"));
        String id = Jsoup.parse(created.body()).getElementById("client-id").text();
        ClientId clientId = new ClientId(id);
        Instant issued = server.clock().instant();
        Document page = console.page("/console/clients/" + id);
        assertThat(page.select("#revoke-tokens-form").attr("action")).isEqualTo("/console/clients/" + id + "/revoke-tokens");
        assertThat(page.select("#revoke-tokens-form input[name=csrf]").attr("value")).isNotEmpty();

        assertThat(console.post("/console/clients/" + id + "/revoke-tokens").statusCode()).isEqualTo(403);
        assertThat(server.app().revocations().isRevoked(TestServer.TENANT, clientId, "jti", issued)).isFalse();

        HttpResponse<String> revoked = console.post("/console/clients/" + id + "/revoke-tokens", "csrf", console.csrf());

        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(revoked.headers().firstValue("Location"))
                .contains("/console/clients/" + id + "?done=client-tokens-revoked");
        assertThat(console.follow(revoked).body()).contains("is revoked");
        assertThat(server.app().revocations().isRevoked(TestServer.TENANT, clientId, "jti", issued)).isTrue();
        assertThat(server.app().store().audit().query(TestServer.TENANT, AuditRepository.Filter.ALL, 0, 10))
                .filteredOn(e -> e.action().equals("client.revoke_tokens")).singleElement().satisfies(e -> {
                    assertThat(e.target()).isEqualTo(id);
                    assertThat(e.actorKind()).isEqualTo(Actor.Kind.ADMIN);
                    assertThat(e.detail()).startsWith("not_before=");
                });
    }

    @Test
    void revokeTokensWhenTheClientIsUnknownThen404() {
        HttpResponse<String> response = console.post("/console/clients/00000000-0000-4000-8000-000000000000"
                + "/revoke-tokens", "csrf", console.csrf());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void adminCreateWhenAcceptedThenAnswers303AndThePasswordIsShownOnce() {
        HttpResponse<String> post = console.post("/console/admins", "csrf", console.csrf(),
                "username", "once-shown", "role", "additional_admin", "capability", "view_audit");
        assertThat(post.statusCode()).isEqualTo(303);
        Admin admin = server.app().store().admins().findByUsername(TestServer.TENANT, "once-shown").orElseThrow();
        assertThat(post.headers().firstValue("Location")).contains("/console/admins/" + admin.id() + "/created");

        HttpResponse<String> first = console.follow(post);
        assertThat(first.statusCode()).isEqualTo(200);
        String password = Jsoup.parse(first.body()).getElementById("admin-password").text();
        assertThat(password).hasSizeGreaterThanOrEqualTo(24);
        try (ConsoleHttp newcomer = new ConsoleHttp(server)) {
            assertThat(newcomer.login("once-shown", password)).isEqualTo("/console/password");
        }

        HttpResponse<String> reload = console.get("/console/admins/" + admin.id() + "/created");
        assertThat(reload.statusCode()).isEqualTo(410);
        assertThat(reload.body()).doesNotContain(password);
        assertThat(Jsoup.parse(reload.body()).getElementById("password-gone")).isNotNull();
        assertThat(server.app().store().admins().list(TestServer.TENANT).stream()
                .filter(a -> a.username().equals("once-shown"))).hasSize(1);
    }

    @Test
    void everyAcceptedFormWhenPostedThenAnswers303WithWhereToGoNext() {
        HttpResponse<String> created = console.follow(console.post("/console/clients/new", "csrf", console.csrf(),
                "name", "every form", "lifetime", "3600"));
        String id = Jsoup.parse(created.body()).getElementById("client-id").text();
        String client = "/console/clients/" + id;
        console.post("/console/admins", "csrf", console.csrf(), "username", "every-form", "role", "additional_admin");
        String adminId = server.app().store().admins().findByUsername(TestServer.TENANT, "every-form")
                .orElseThrow().id();
        String token = console.csrf();

        Map<String, String[]> forms = new java.util.LinkedHashMap<>();
        forms.put(client + "/scopes", new String[] {"scope", "users:read"});
        forms.put(client + "/settings", new String[] {"name", "every form, renamed", "audiences", "", "lifetime", "900"});
        forms.put(client + "/rotate", new String[] {"overlap", "60"});
        forms.put(client + "/end-previous", new String[] {});
        forms.put(client + "/revoke-tokens", new String[] {});
        forms.put(client + "/enabled", new String[] {"enabled", "false"});
        forms.put("/console/scopes", new String[] {"name", "prg:read", "description", "PRG"});
        forms.put("/console/scopes/describe", new String[] {"name", "prg:read", "description", "Described"});
        forms.put("/console/scopes/delete", new String[] {"name", "prg:read"});
        forms.put("/console/admins/" + adminId, new String[] {"role", "additional_admin", "capability", "view_audit"});
        forms.put("/console/users", new String[] {"username", "prg", "email", "prg@example.com"});
        forms.put(client + "/delete", new String[] {});
        forms.put("/console/admins/" + adminId + "/delete", new String[] {});
        for (Map.Entry<String, String[]> form : forms.entrySet()) {
            List<String> fields = new java.util.ArrayList<>(List.of("csrf", token));
            fields.addAll(List.of(form.getValue()));
            HttpResponse<String> response = console.post(form.getKey(), fields.toArray(String[]::new));
            assertThat(response.statusCode()).as("POST %s: %s", form.getKey(), response.body()).isEqualTo(303);
            String location = response.headers().firstValue("Location").orElseThrow();
            assertThat(location).as(form.getKey()).startsWith("/console/");
            assertThat(console.get(location).statusCode()).as("GET %s after POST %s", location, form.getKey())
                    .isIn(200, 410);
        }
        String userId = server.app().store().users().list(TestServer.TENANT,
                dev.tollgate.core.store.UserRepository.Filter.ALL, 0, 100).stream()
                .filter(u -> u.username().equals("prg")).findFirst().orElseThrow().id();
        HttpResponse<String> userDeleted = console.post("/console/users/" + userId + "/delete", "csrf", token);
        assertThat(userDeleted.statusCode()).isEqualTo(303);
        assertThat(userDeleted.headers().firstValue("Location")).contains("/console/users?done=user-deleted");
    }

    // ---------------------------------------------------------------- all form errors at once

    @Test
    void clientFormWhenThreeFieldsAreWrongThenShowsThreeMessagesAndKeepsTheValues() {
        long before = clientCount();
        String name = "n".repeat(201);
        HttpResponse<String> refused = console.post("/console/clients/new", "csrf", console.csrf(),
                "name", name, "scope", "users:read", "audiences", "https://api.example\nbüro", "lifetime", "30");

        assertThat(refused.statusCode()).isEqualTo(400);
        Document page = Jsoup.parse(refused.body());
        assertThat(page.select(".field-error")).hasSize(3);
        assertThat(page.getElementById("name-error").text()).contains("at most 200 characters");
        assertThat(page.getElementById("audiences-error").text()).contains("büro").doesNotContain("api.example");
        assertThat(page.getElementById("lifetime-error").text()).contains("60 to 86400");
        assertThat(page.getElementById("error").text()).isEqualTo("3 fields need changing: see the message under each.");
        // The values sent, kept.
        assertThat(page.getElementById("name").attr("value")).isEqualTo(name);
        assertThat(page.getElementById("audiences").wholeText()).isEqualTo("https://api.example\nbüro");
        assertThat(page.getElementById("lifetime").attr("value")).isEqualTo("30");
        assertThat(page.select("input[name=scope][value=users:read]").hasAttr("checked")).isTrue();
        assertThat(page.getElementById("name").attr("aria-invalid")).isEqualTo("true");
        assertThat(page.getElementById("name").attr("aria-describedby")).isEqualTo("name-error");
        assertThat(clientCount()).isEqualTo(before);
    }

    @Test
    void clientSettingsWhenThreeFieldsAreWrongThenShowsThreeMessagesAndChangesNothing() {
        ClientCredential client = builtin();
        String path = "/console/clients/" + client.clientId().value();
        HttpResponse<String> refused = console.post(path + "/settings", "csrf", console.csrf(),
                "name", "  ", "audiences", "ok bäd", "lifetime", "ten minutes");

        assertThat(refused.statusCode()).isEqualTo(400);
        Document page = Jsoup.parse(refused.body());
        assertThat(page.select(".field-error").eachText()).containsExactly("Enter a name.",
                "Each audience is 1-512 printable ASCII characters; not: bäd.",
                "Token lifetime is a whole number of seconds from 60 to 86400.");
        assertThat(page.getElementById("lifetime").attr("value")).isEqualTo("ten minutes");
        assertThat(server.app().adminOperations().clients().get(Actor.cli(TestServer.TENANT), TestServer.TENANT,
                client.clientId())).isEqualTo(client);
    }

    @Test
    void userFormWhenThreeFieldsAreWrongThenShowsThreeMessagesAndKeepsTheValues() {
        String last = "x".repeat(101);
        HttpResponse<String> refused = console.post("/console/users", "csrf", console.csrf(),
                "username", "no spaces allowed", "email", "not-an-address", "first_name", "Jane", "last_name", last);

        assertThat(refused.statusCode()).isEqualTo(400);
        Document page = Jsoup.parse(refused.body());
        assertThat(page.select(".field-error")).hasSize(3);
        assertThat(page.getElementById("user-username-error").text()).startsWith("Username must be");
        assertThat(page.getElementById("user-email-error").text()).startsWith("Email must be an email address");
        assertThat(page.getElementById("user-last-name-error").text()).isEqualTo("Last name must be at most 100 characters.");
        assertThat(page.getElementById("user-first-name-error")).isNull();
        assertThat(page.getElementById("user-username").attr("value")).isEqualTo("no spaces allowed");
        assertThat(page.getElementById("user-email").attr("value")).isEqualTo("not-an-address");
        assertThat(page.getElementById("user-first-name").attr("value")).isEqualTo("Jane");
        assertThat(page.getElementById("user-last-name").attr("value")).isEqualTo(last);
    }

    @Test
    void adminFormWhenThreeFieldsAreWrongThenShowsThreeMessagesAndKeepsTheValues() {
        HttpResponse<String> refused = console.post("/console/admins", "csrf", console.csrf(),
                "username", "not valid!", "role", "superuser", "capability", "view_audit", "capability", "fly");

        assertThat(refused.statusCode()).isEqualTo(400);
        Document page = Jsoup.parse(refused.body());
        assertThat(page.select(".field-error").eachText()).containsExactly(
                "A username is 1-64 characters: letters, digits, '.', '_', '@' or '-'.", "Choose a role.",
                "Unknown capability: fly.");
        assertThat(page.getElementById("admin-username").attr("value")).isEqualTo("not valid!");
        assertThat(page.select("input[name=capability][value=view_audit]").hasAttr("checked")).isTrue();
        assertThat(server.app().store().admins().findByUsername(TestServer.TENANT, "not valid!")).isEmpty();
    }

    @Test
    void scopeFormWhenBothFieldsAreWrongThenShowsBothMessagesAndKeepsTheValues() {
        String description = "d".repeat(501);
        HttpResponse<String> refused = console.post("/console/scopes", "csrf", console.csrf(),
                "name", "has space", "description", description);

        assertThat(refused.statusCode()).isEqualTo(400);
        Document page = Jsoup.parse(refused.body());
        assertThat(page.select(".field-error")).hasSize(2);
        assertThat(page.getElementById("scope-name-error")).isNotNull();
        assertThat(page.getElementById("scope-description-error").text()).contains("at most 500 characters");
        assertThat(page.getElementById("scope-name").attr("value")).isEqualTo("has space");
        assertThat(page.getElementById("scope-description").attr("value")).isEqualTo(description);
    }

    @Test
    void passwordFormWhenThreeFieldsAreWrongThenShowsThreeMessagesAndChangesNothing() {
        try (ConsoleHttp admin = new ConsoleHttp(server)) {
            admin.login("admin", PASSWORD);
            HttpResponse<String> refused = admin.post("/console/password", "csrf", admin.csrf(),
                    "current", "", "password", "short", "confirm", "different");

            assertThat(refused.statusCode()).isEqualTo(400);
            Document page = Jsoup.parse(refused.body());
            assertThat(page.select(".field-error").eachText()).containsExactly("Enter your current password.",
                    "The new password needs at least 12 characters.", "The two new passwords do not match.");
            // Passwords are never sent back.
            assertThat(page.select("input[type=password]").eachAttr("value")).allMatch(String::isEmpty);
            assertThat(refused.body()).doesNotContain("different");
            assertThat(admin.login("admin", PASSWORD)).isEqualTo("/console/clients");
        }
    }

    @Test
    void passwordFormsWhenOpenedThenStateTheRuleBeforeItIsBroken() {
        Document password = console.page("/console/password");
        assertThat(password.getElementById("password-rule").text()).startsWith("At least 12 characters");
        assertThat(password.getElementById("new-password").attr("minlength")).isEqualTo("12");
        assertThat(password.getElementById("new-password").attr("aria-describedby")).isEqualTo("password-rule");
        assertThat(password.select(".field-error")).isEmpty();

        Document admins = console.page("/console/admins");
        assertThat(admins.getElementById("password-rule").text()).contains("at least 12 characters");
    }

    // ---------------------------------------------------------------- built-in scopes

    @Test
    void scopesPageWhenAScopeIsBuiltInThenOffersNoDeleteAndTheServerStillRefusesIt() {
        assertThat(console.post("/console/scopes", "csrf", console.csrf(), "name", "orders:read",
                "description", "Read orders").statusCode()).isEqualTo(303);
        Document scopes = console.page("/console/scopes");

        for (String builtin : List.of("users:read", "users:write", "admin:manage_client_credentials",
                "admin:view_audit")) {
            org.jsoup.nodes.Element row = scopeRow(scopes, builtin);
            assertThat(row.select("form[action=/console/scopes/delete]")).as(builtin).isEmpty();
            assertThat(row.select(".badge").text()).as(builtin).isEqualTo("built in");
            // Still describable.
            assertThat(row.select("form[action=/console/scopes/describe]")).as(builtin).hasSize(1);
        }
        assertThat(scopeRow(scopes, "orders:read").select("form[action=/console/scopes/delete]")).hasSize(1);

        HttpResponse<String> refused = console.post("/console/scopes/delete", "csrf", console.csrf(),
                "name", "users:read");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(Jsoup.parse(refused.body()).getElementById("error").text()).contains("built in");
        assertThat(server.app().adminOperations().scopes().list(Actor.cli(TestServer.TENANT), TestServer.TENANT)
                .stream().map(s -> s.name().value())).contains("users:read");
    }

    private static org.jsoup.nodes.Element scopeRow(Document page, String scope) {
        return page.select("#scopes tbody tr").stream()
                .filter(tr -> tr.select("td code").text().equals(scope)).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- the top bar

    @Test
    void everyPageWhenOpenedThenItsFooterNamesTheRunningVersion() {
        assertThat(console.page("/console/clients").getElementById("version").text())
                .isEqualTo("Tollgate " + System.getProperty("tollgate.version"));
        try (ConsoleHttp anonymous = new ConsoleHttp(server)) {
            assertThat(anonymous.page("/console/login").getElementById("version").text())
                    .isEqualTo("Tollgate " + System.getProperty("tollgate.version"));
        }
    }

    @Test
    void topBarWhenSignedInThenNamesTheTenant() {
        Document page = console.page("/console/clients");
        assertThat(page.getElementById("topbar-tenant").text()).isEqualTo("Tenant " + TestServer.TENANT.value());

        dev.tollgate.core.tenant.TenantId acme = dev.tollgate.core.tenant.TenantId.of("30001");
        Administration.of(server.app()).tenants.create(acme, "Acme Corp", dev.tollgate.core.tenant.TenantSettings.DEFAULTS);
        String generated = server.app().adminAccounts().bootstrap(acme).orElseThrow().password();
        try (ConsoleHttp other = new ConsoleHttp(server)) {
            other.login(acme.value(), "admin", generated);
            Document forced = other.page("/console/password");
            assertThat(forced.getElementById("topbar-tenant").text()).isEqualTo("Tenant 30001 · Acme Corp");
            assertThat(forced.getElementById("tenant-id").text()).isEqualTo("30001");
        }
        try (ConsoleHttp anonymous = new ConsoleHttp(server)) {
            assertThat(anonymous.page("/console/login").getElementById("tenant-id")).isNull();
        }
    }

    // ---------------------------------------------------------------- introspection and the tenant's allow-lists

    @Test
    void clientFormsWhenIntrospectionTickedThenGrantedShownTickedAndWithdrawnWhenUnticked() {
        HttpResponse<String> created = console.post("/console/clients/new", "csrf", console.csrf(),
                "name", "console introspecting api", "lifetime", "3600", "introspection", "true");
        assertThat(created.statusCode()).isEqualTo(303);
        ClientCredential client = named("console introspecting api");
        assertThat(client.introspection()).isTrue();
        String path = "/console/clients/" + client.clientId().value();
        Document page = console.page(path);
        assertThat(page.getElementById("introspection").hasAttr("checked")).isTrue();
        assertThat(page.getElementById("introspection-permission").text()).isEqualTo("allowed");

        HttpResponse<String> saved = console.post(path + "/settings", "csrf", console.csrf(),
                "name", "console introspecting api", "audiences", "", "lifetime", "3600");

        assertThat(saved.statusCode()).isEqualTo(303);
        assertThat(named("console introspecting api").introspection()).isFalse();
        assertThat(console.page(path).getElementById("introspection").hasAttr("checked")).isFalse();
    }

    @Test
    void clientFormsWhenCredentialManagerNamesAnUnlistedAudienceThenMessageBesideTheFieldAndNothingChanged() {
        AdminAccounts.AdminWithPassword manager = server.app().adminOperations().administrators().create(
                Actor.cli(TestServer.TENANT), TestServer.TENANT, "audience-manager", AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.MANAGE_CLIENT_CREDENTIALS));
        try (ConsoleHttp other = new ConsoleHttp(server)) {
            other.login("audience-manager", manager.password());
            other.changePassword(manager.password(), PASSWORD);
            long before = clientCount();

            HttpResponse<String> refused = other.post("/console/clients/new", "csrf", other.csrf(),
                    "name", "unlisted audience", "audiences", "urn:payments", "lifetime", "3600");

            assertThat(refused.statusCode()).isEqualTo(400);
            Document page = Jsoup.parse(refused.body());
            assertThat(page.getElementById("audiences-error").text()).contains("urn:payments")
                    .contains("allowed audiences");
            assertThat(page.getElementById("audiences").wholeText()).isEqualTo("urn:payments");
            assertThat(clientCount()).isEqualTo(before);

            ClientCredential existing = builtin();
            String path = "/console/clients/" + existing.clientId().value();
            HttpResponse<String> settings = other.post(path + "/settings", "csrf", other.csrf(),
                    "name", existing.name(), "audiences", "urn:payments", "lifetime", "3600");

            assertThat(settings.statusCode()).isEqualTo(400);
            assertThat(Jsoup.parse(settings.body()).getElementById("audiences-error").text()).contains("urn:payments");
            assertThat(builtin()).isEqualTo(existing);
        }
    }

    @Test
    void tenantSettingsWhenTenantAdminSavesListsThenStoredAndACredentialManagerSeesThemReadOnlyAndMayNotSave() {
        HttpResponse<String> saved = console.post("/console/settings", "csrf", console.csrf(),
                "allowed_authorities", "ROLE_READER\nROLE_WRITER", "allowed_audiences", "urn:orders");

        assertThat(saved.statusCode()).isEqualTo(303);
        assertThat(server.app().store().tenants().find(TestServer.TENANT).orElseThrow().settings().allowedAuthorities())
                .containsExactly("ROLE_READER", "ROLE_WRITER");
        assertThat(console.page("/console/settings").getElementById("allowed_audiences").wholeText())
                .isEqualTo("urn:orders");

        AdminAccounts.AdminWithPassword manager = server.app().adminOperations().administrators().create(
                Actor.cli(TestServer.TENANT), TestServer.TENANT, "settings-reader", AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.MANAGE_CLIENT_CREDENTIALS));
        try (ConsoleHttp other = new ConsoleHttp(server)) {
            other.login("settings-reader", manager.password());
            other.changePassword(manager.password(), PASSWORD);
            Document page = other.page("/console/settings");
            assertThat(page.getElementById("allowed_authorities").hasAttr("readonly")).isTrue();
            assertThat(page.getElementById("tenant-settings-readonly")).isNotNull();

            HttpResponse<String> refused = other.post("/console/settings", "csrf", other.csrf(),
                    "allowed_authorities", "ROLE_ADMIN", "allowed_audiences", "");

            assertThat(refused.statusCode()).isEqualTo(403);
        }
        assertThat(server.app().store().tenants().find(TestServer.TENANT).orElseThrow().settings().allowedAuthorities())
                .containsExactly("ROLE_READER", "ROLE_WRITER");
    }

    @Test
    void tenantSettingsWhenAValueIsMalformedThenMessageBesideTheFieldAndNothingChanged() {
        List<String> before = server.app().store().tenants().find(TestServer.TENANT).orElseThrow().settings()
                .allowedAudiences();

        HttpResponse<String> refused = console.post("/console/settings", "csrf", console.csrf(),
                "allowed_authorities", "", "allowed_audiences", "urn:ok\nbüro");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Jsoup.parse(refused.body()).getElementById("allowed_audiences-error")).isNotNull();
        assertThat(server.app().store().tenants().find(TestServer.TENANT).orElseThrow().settings().allowedAudiences())
                .isEqualTo(before);
    }

    @Test
    void tenantSettingsWhenTenantAdminSavesAKeyRotationIntervalThenStoredShownAndAMalformedOneRefusedBesideTheField() {
        HttpResponse<String> saved = console.post("/console/settings", "csrf", console.csrf(),
                "allowed_authorities", "", "allowed_audiences", "", "key_rotation_interval", "P30D");
        Duration stored = server.app().store().tenants().find(TestServer.TENANT).orElseThrow().settings()
                .keyRotationInterval();
        String shown = console.page("/console/settings").getElementById("key_rotation_interval").val();
        HttpResponse<String> refused = console.post("/console/settings", "csrf", console.csrf(),
                "allowed_authorities", "", "allowed_audiences", "", "key_rotation_interval", "PT1M");
        Duration afterRefusal = server.app().store().tenants().find(TestServer.TENANT).orElseThrow().settings()
                .keyRotationInterval();
        HttpResponse<String> off = console.post("/console/settings", "csrf", console.csrf(),
                "allowed_authorities", "", "allowed_audiences", "", "key_rotation_interval", "off");
        Duration storedOff = server.app().store().tenants().find(TestServer.TENANT).orElseThrow().settings()
                .keyRotationInterval();
        console.post("/console/settings", "csrf", console.csrf(),
                "allowed_authorities", "", "allowed_audiences", "", "key_rotation_interval", "P90D");

        assertThat(saved.statusCode()).isEqualTo(303);
        assertThat(stored).isEqualTo(Duration.ofDays(30));
        assertThat(shown).isEqualTo("P30D");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Jsoup.parse(refused.body()).getElementById("key_rotation_interval-error").text())
                .contains("between 1 hour and 3650 days");
        assertThat(afterRefusal).isEqualTo(Duration.ofDays(30));
        assertThat(off.statusCode()).isEqualTo(303);
        assertThat(storedOff).isNull();
    }

    private static ClientCredential named(String name) {
        return server.app().adminOperations().clients().list(Actor.cli(TestServer.TENANT), TestServer.TENANT, name, 0,
                100).items().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static ClientCredential builtin() {
        return server.app().adminOperations().clients().list(Actor.cli(TestServer.TENANT), TestServer.TENANT, null, 0,
                100).items().stream().filter(ClientCredential::isBuiltin).findFirst().orElseThrow();
    }

    private static long clientCount() {
        return server.app().adminOperations().clients().list(Actor.cli(TestServer.TENANT), TestServer.TENANT, null, 0,
                1).total();
    }

    /** RFC 6749 §4.4 with client_secret_basic. */
    private static int tokenStatus(String clientId, String secret) {
        String basic = java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return server.send(java.net.http.HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build()).statusCode();
    }
}
