package dev.tollgate.server.console;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.server.TestServer;
import org.jsoup.nodes.Document;
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
    void auditPagesSayWhichEventsOfHowManyTheyShow() {
        for (int i = 0; i < 60; i++) {
            server.app().adminOperations().createScope(Actor.cli(TestServer.TENANT), TestServer.TENANT,
                    new ScopeDefinition(new ScopeName("paging:" + i), ""));
        }
        long total = server.app().adminOperations().audit(Actor.cli(TestServer.TENANT), TestServer.TENANT,
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
    void failedSignInsAreInTheLogWithTheAttemptedUsernameAsTextAndNeverThePassword() {
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
        List<AuditEvent> events = server.app().adminOperations().audit(Actor.cli(TestServer.TENANT),
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

    private static String count(String path) {
        return console.page(path).getElementById("paging-count").text();
    }
}
