package dev.tollgate.server.console;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.server.TestServer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit log page: where a page sits in the whole log, and failed sign-ins as the log shows them. */
class ConsoleAuditTest {

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

    @Test
    void auditPagesWhenPagedThenSayWhichEventsOfHowManyTheyShow() {
        for (int i = 0; i < 60; i++) {
            server.app().adminOperations().scopes().create(Actor.cli(TestServer.TENANT), TestServer.TENANT,
                    new ScopeDefinition(new ScopeName("paging:" + i), ""));
        }
        long total = server.app().adminOperations().audit().query(Actor.cli(TestServer.TENANT), TestServer.TENANT,
                AuditRepository.Filter.ALL, 0, 1).total();
        assertThat(total).isGreaterThan(60);

        assertThat(count("/console/audit")).isEqualTo("1–50 of " + total);
        assertThat(count("/console/audit?page=2")).isEqualTo("51–" + Math.min(100, total) + " of " + total);
        assertThat(count("/console/audit?action=scope.create")).isEqualTo("1–50 of 60");
        Document last = console.page("/console/audit?action=scope.create&page=2");
        assertThat(last.getElementById("paging-count").text()).isEqualTo("51–60 of 60");
        assertThat(last.select("a[rel=next]")).isEmpty();
        assertThat(last.select("a[rel=prev]").attr("href")).isEqualTo("/console/audit?action=scope.create&page=1");
    }

    @Test
    void signInWhenFailedThenInTheLogWithTheAttemptedUsernameAsTextAndNeverThePassword() {
        String markup = "<script>alert(1)</script>";
        String password = "the-password-that-was-tried";
        try (ConsoleHttp stranger = new ConsoleHttp(server)) {
            HttpResponse<String> refused = stranger.post("/console/login", "tenant", TestServer.TENANT.value(),
                    "username", markup, "password", password);
            assertThat(refused.statusCode()).isEqualTo(403);
        }

        HttpResponse<String> page = console.get("/console/audit?action=admin.login_failed");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain(markup).doesNotContain(password)
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").contains("wrong_credentials");
        List<AuditEvent> events = server.app().adminOperations().audit().query(Actor.cli(TestServer.TENANT),
                TestServer.TENANT, new AuditRepository.Filter(null, null, "admin.login_failed", null, null), 0, 10)
                .items();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.actorName()).isEqualTo(markup);
            assertThat(e.actorId()).isEqualTo(markup);
            assertThat(e.address()).isEqualTo("127.0.0.1");
            assertThat(String.join("|", e.actorId(), e.actorName(), String.valueOf(e.before()),
                    String.valueOf(e.after()), String.valueOf(e.detail()))).doesNotContain(password);
        });
    }

    @Test
    void auditPageWhenAClientWasChangedThenShowsTheDiffWithTheClientNameBesideItsId() {
        String id = Jsoup.parse(console.follow(console.post("/console/clients/new", "csrf", console.csrf(),
                "name", "Diff subject", "scope", "users:read", "lifetime", "3600")).body())
                .getElementById("client-id").text();
        assertThat(console.post("/console/clients/" + id + "/settings", "csrf", console.csrf(),
                "name", "Diff subject renamed", "audiences", "", "lifetime", "900").statusCode()).isEqualTo(303);

        Document page = console.page("/console/audit?action=client.update&client=" + id);
        Element event = page.selectFirst("#audit tbody.event");
        assertThat(event.select("td.action").text()).isEqualTo("client.update");
        // The client's name now, beside its id (cut short, whole in the title).
        assertThat(event.select("td.client .name").text()).isEqualTo("Diff subject renamed");
        assertThat(event.select("td.client a.id").attr("title")).isEqualTo(id);
        // The actor: a username beside the admin's id.
        Admin admin = server.app().store().admins().findByUsername(TestServer.TENANT, "admin").orElseThrow();
        assertThat(event.select("td.actor .name").text()).isEqualTo("admin");
        assertThat(event.select("td.actor code.id").attr("title")).isEqualTo(admin.id());

        // The diff: changed fields marked, with before and after; the others there, marked the same.
        assertThat(event.select("details.change summary").text()).isEqualTo("Changed: name, token_ttl_seconds");
        Elements changed = event.select("table.diff tr.changed");
        assertThat(changed.select("th").eachText()).containsExactly("name", "token_ttl_seconds");
        assertThat(changed.select("td.before del").eachText()).containsExactly("Diff subject", "3600");
        assertThat(changed.select("td.after ins").eachText()).containsExactly("Diff subject renamed", "900");
        Elements same = event.select("table.diff tr.same");
        assertThat(same.select("th").eachText()).contains("client_id", "allowed_scopes", "enabled");
        assertThat(same.select("del, ins")).isEmpty();
        assertThat(event.select("table.diff tr.same:has(th:contains(allowed_scopes)) td.after").text())
                .isEqualTo("users:read");
    }

    @Test
    void auditPageWhenTheObjectIsGoneThenNamesItFromTheLogAndShowsWhatItHad() {
        String id = Jsoup.parse(console.follow(console.post("/console/clients/new", "csrf", console.csrf(),
                "name", "Short-lived", "lifetime", "3600")).body()).getElementById("client-id").text();
        assertThat(console.post("/console/clients/" + id + "/delete", "csrf", console.csrf()).statusCode())
                .isEqualTo(303);

        Document page = console.page("/console/audit?client=" + id);
        List<Element> events = page.select("#audit tbody.event");
        assertThat(events).extracting(e -> e.select("td.action").text())
                .containsExactly("client.delete", "client.create");
        for (Element event : events) {
            assertThat(event.select("td.client .name").text()).isEqualTo("Short-lived");
        }
        assertThat(events.get(0).select("details.change summary").text()).startsWith("Deleted; it had");
        assertThat(events.get(0).select("table.diff tr.removed")).isNotEmpty();
        assertThat(events.get(1).select("details.change summary").text()).startsWith("Created with");
        assertThat(events.get(1).select("table.diff tr.added td.after").eachText()).contains("Short-lived");
    }

    @Test
    void auditPageWhenReadByAnAuditorThenShowsAdminUsernamesBesideTheirIds() {
        HttpResponse<String> created = console.post("/console/admins", "csrf", console.csrf(),
                "username", "reader", "role", "additional_admin", "capability", "view_audit");
        String password = Jsoup.parse(console.follow(created).body()).getElementById("admin-password").text();
        Admin reader = server.app().store().admins().findByUsername(TestServer.TENANT, "reader").orElseThrow();

        try (ConsoleHttp auditor = new ConsoleHttp(server)) {
            auditor.login("reader", password);
            auditor.changePassword(password, PASSWORD);
            Element event = auditor.page("/console/audit?action=admin.create").select("#audit tbody.event").stream()
                    .filter(e -> e.select("td.target code.id").attr("title").equals(reader.id()))
                    .findFirst().orElseThrow();
            assertThat(event.select("td.target .name").text()).isEqualTo("reader");
            assertThat(event.select("table.diff tr.added th").eachText()).contains("username", "capabilities");
        }
    }

    private static String count(String path) {
        return console.page(path).getElementById("paging-count").text();
    }
}
