package dev.tollgate.server.console;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.TotpCodes;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Account → Second factor over plain HTTP: enrolling with a code from the app, signing in with
 * it, turning it off with the password, and another admin resetting it; each audited.
 */
class ConsoleTotpTest {

    private static final String PASSWORD = "a long console password";

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.embedded();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void enrolWhenThePasswordIsWrongThenRefusedAndNothingStored() throws Exception {
        try (ConsoleHttp carol = signedIn("carol.enrol", AdminRole.ADMIN, Set.of())) {
            String secret = carol.page("/console/account/totp").select("input[name=secret]").attr("value");

            HttpResponse<String> refused = carol.post("/console/account/totp", "csrf", carol.csrf(),
                    "current", "not the password", "secret", secret, "code", TotpCodes.at(secret, server.clock().instant()));

            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(Jsoup.parse(refused.body()).getElementById("error").text())
                    .isEqualTo("Current password is wrong.");
            assertThat(admin("carol.enrol").totpSecret()).isNull();
        }
    }

    @Test
    void signInWhenEnrolledThenNeedsTheCodeAndRefusesAWrongOne() throws Exception {
        try (ConsoleHttp alice = signedIn("alice", AdminRole.ADMIN, Set.of())) {
            Document offer = alice.page("/console/account/totp");
            assertThat(offer.getElementById("totp-status").text()).startsWith("Off.");
            String secret = offer.select("#totp-enroll-form input[name=secret]").attr("value");
            assertThat(secret).matches("[A-Z2-7]{32}");
            assertThat(offer.getElementById("totp-secret").text())
                    .isEqualTo(String.join(" ", secret.split("(?<=\\G.{4})"))).hasSize(39);
            assertThat(offer.getElementById("totp-uri").text())
                    .isEqualTo("otpauth://totp/Tollgate%2010001:alice?secret=" + secret
                            + "&issuer=Tollgate%2010001&algorithm=SHA1&digits=6&period=30");
            assertThat(offer.select("#totp-enroll-form input[name=csrf]").attr("value")).isNotEmpty();
            assertThat(offer.select("nav.sidebar a[href=/console/account/totp]").attr("aria-current"))
                    .isEqualTo("page");
            // Offered, not stored: another visit offers another secret.
            assertThat(alice.page("/console/account/totp").select("input[name=secret]").attr("value"))
                    .isNotEqualTo(secret);
            assertThat(admin("alice").totpSecret()).isNull();

            HttpResponse<String> wrong = alice.post("/console/account/totp", "csrf", alice.csrf(), "current", PASSWORD, "secret", secret,
                    "code", TotpCodes.at(secret, server.clock().instant().plusSeconds(600)));
            assertThat(wrong.statusCode()).isEqualTo(400);
            Document again = Jsoup.parse(wrong.body());
            assertThat(again.getElementById("error").text()).startsWith("Code is wrong");
            assertThat(again.select("input[name=secret]").attr("value")).isEqualTo(secret);
            assertThat(admin("alice").totpSecret()).isNull();

            HttpResponse<String> enrolled = alice.post("/console/account/totp", "csrf", alice.csrf(), "current", PASSWORD,
                    "secret", secret, "code", TotpCodes.at(secret, server.clock().instant()));
            assertThat(enrolled.statusCode()).isEqualTo(303);
            assertThat(enrolled.headers().firstValue("Location")).contains("/console/account/totp?done=totp-enrolled");
            assertThat(admin("alice").totpSecret()).isEqualTo(secret);
            Document on = alice.page("/console/account/totp?done=totp-enrolled");
            assertThat(on.getElementById("totp-status").text()).startsWith("On.");
            assertThat(on.getElementById("notice").text()).contains("Second factor on");
            assertThat(on.select("input[name=secret]")).isEmpty();
            assertThat(on.outerHtml()).doesNotContain(secret);

            assertThat(alice.post("/console/logout", "csrf", alice.csrf()).statusCode()).isEqualTo(303);
            alice.session = null;

            HttpResponse<String> asked = login("alice", PASSWORD, null);
            assertThat(asked.statusCode()).isEqualTo(200);
            assertThat(ConsoleHttp.sessionCookie(asked)).isEmpty();
            assertThat(Jsoup.parse(asked.body()).select("#code").hasAttr("required")).isTrue();

            HttpResponse<String> refused = login("alice", PASSWORD,
                    TotpCodes.at(secret, server.clock().instant().plusSeconds(600)));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(ConsoleHttp.sessionCookie(refused)).isEmpty();
            // The code that enrolled was seen once already (RFC 6238 §5.2).
            assertThat(login("alice", PASSWORD, TotpCodes.at(secret, server.clock().instant())).statusCode()).isEqualTo(403);

            server.clock().advance(Duration.ofSeconds(30));
            HttpResponse<String> signedIn = login("alice", PASSWORD, TotpCodes.at(secret, server.clock().instant()));
            assertThat(signedIn.statusCode()).isEqualTo(303);
            assertThat(ConsoleHttp.sessionCookie(signedIn)).isPresent();
        }

        String aliceId = admin("alice").id();
        List<AuditEvent> events = audit(aliceId);
        assertThat(events).extracting(AuditEvent::action).containsSubsequence("admin.login", "admin.login_failed",
                "admin.login_failed", "admin.logout", "admin.totp_enroll");
        assertThat(events).filteredOn(e -> e.action().equals("admin.login_failed"))
                .extracting(AuditEvent::detail).containsOnly("second_factor_wrong");
        assertThat(events).extracting(AuditEvent::action).filteredOn("admin.login"::equals)
                .as("each sign-in recorded once").hasSize(2);
    }

    @Test
    void enrolmentPageWhenNotEnrolledThenShowsAQrCodeOfTheSetupUriDrawnOnTheServer() {
        try (ConsoleHttp probe = signedIn("qr.probe@example", AdminRole.ADMIN, Set.of())) {
            HttpResponse<String> response = probe.get("/console/account/totp");
            Document offer = Jsoup.parse(response.body());
            String uri = offer.getElementById("totp-uri").text();
            org.jsoup.nodes.Element svg = offer.getElementById("totp-qr");

            // An independent decoder reads the path the page serves as exactly the setup URI.
            String[] viewBox = svg.attr("viewBox").split(" ");
            int size = Integer.parseInt(viewBox[2]);
            assertThat(viewBox).containsExactly("0", "0", viewBox[2], viewBox[2]);
            String path = svg.select("path").attr("d");
            assertThat(QrDecoding.decode(QrDecoding.draw(size, path))).isEqualTo(uri);

            // Inline SVG with numbers only: no text of the URI (nor the username in it), no image, no script, no style.
            assertThat(path).matches("[Mhvz0-9 -]+");
            assertThat(svg.select("*").eachText().toString()).doesNotContain("qr.probe").doesNotContain("otpauth");
            assertThat(svg.outerHtml()).doesNotContain("qr.probe").doesNotContain("otpauth").doesNotContain("href");
            assertThat(svg.select("*").stream().map(org.jsoup.nodes.Element::tagName))
                    .containsOnly("svg", "title", "rect", "path");
            assertThat(offer.select("img, [style], style")).isEmpty();
            assertThat(response.headers().firstValue("Content-Security-Policy")).contains(ConsoleEndpoint.CSP);
        }
    }

    @Test
    void turnOffWhenPasswordMissingOrWrongThenRefusedAndWithThePasswordThenOff() throws Exception {
        try (ConsoleHttp bob = signedIn("bob", AdminRole.ADMIN, Set.of())) {
            String secret = enrol(bob);

            HttpResponse<String> withoutToken = bob.post("/console/account/totp/disable", "current", PASSWORD);
            assertThat(withoutToken.statusCode()).isEqualTo(403);
            HttpResponse<String> wrong = bob.post("/console/account/totp/disable", "csrf", bob.csrf(),
                    "current", "not the password");
            assertThat(wrong.statusCode()).isEqualTo(400);
            assertThat(Jsoup.parse(wrong.body()).getElementById("error").text())
                    .isEqualTo("Current password is wrong.");
            HttpResponse<String> empty = bob.post("/console/account/totp/disable", "csrf", bob.csrf());
            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(admin("bob").totpSecret()).isEqualTo(secret);

            HttpResponse<String> off = bob.post("/console/account/totp/disable", "csrf", bob.csrf(),
                    "current", PASSWORD);
            assertThat(off.statusCode()).isEqualTo(303);
            assertThat(off.headers().firstValue("Location")).contains("/console/account/totp?done=totp-disabled");
            assertThat(admin("bob").totpSecret()).isNull();
            assertThat(bob.page("/console/account/totp").getElementById("totp-status").text()).startsWith("Off.");
        }
        assertThat(login("bob", PASSWORD, null).statusCode()).isEqualTo(303);
        assertThat(audit(admin("bob").id())).extracting(AuditEvent::action).contains("admin.totp_disable")
                .doesNotContain("admin.totp_reset");
    }

    @Test
    void resetWhenAnotherAdminWithManageAdminsThenTheSecondFactorIsReset() throws Exception {
        String carolId;
        // Carol holds nothing the helper lacks: resetting a superior's second factor is refused
        // (AdminOperations.requireOutranks), which the admin API tests cover.
        try (ConsoleHttp carol = signedIn("carol", AdminRole.ADDITIONAL_ADMIN, Set.of(Capability.MANAGE_ADMINS))) {
            enrol(carol);
            carolId = admin("carol").id();
        }

        try (ConsoleHttp auditor = signedIn("auditor", AdminRole.ADDITIONAL_ADMIN, Set.of(Capability.VIEW_AUDIT))) {
            HttpResponse<String> refused = auditor.post("/console/admins/" + carolId + "/reset-totp",
                    "csrf", auditor.csrf());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(admin("carol").totpSecret()).isNotNull();
        }

        try (ConsoleHttp helper = signedIn("helper", AdminRole.ADDITIONAL_ADMIN, Set.of(Capability.MANAGE_ADMINS))) {
            Document detail = helper.page("/console/admins/" + carolId);
            assertThat(detail.getElementById("reset-totp").text()).isEqualTo("Reset second factor");
            assertThat(detail.select("#reset-totp-form input[name=csrf]").attr("value")).isNotEmpty();
            String ownId = admin("helper").id();
            assertThat(helper.page("/console/admins/" + ownId).getElementById("reset-totp")).isNull();

            assertThat(helper.post("/console/admins/" + carolId + "/reset-totp").statusCode()).isEqualTo(403);
            assertThat(admin("carol").totpSecret()).isNotNull();

            HttpResponse<String> reset = helper.post("/console/admins/" + carolId + "/reset-totp",
                    "csrf", helper.csrf());
            assertThat(reset.statusCode()).isEqualTo(303);
            assertThat(reset.headers().firstValue("Location"))
                    .contains("/console/admins/" + carolId + "?done=totp-reset");
            assertThat(admin("carol").totpSecret()).isNull();
            Document after = helper.page("/console/admins/" + carolId + "?done=totp-reset");
            assertThat(after.getElementById("notice").text()).contains("Second factor reset");
            assertThat(after.getElementById("reset-totp")).isNull();

            HttpResponse<String> again = helper.post("/console/admins/" + carolId + "/reset-totp",
                    "csrf", helper.csrf());
            assertThat(again.statusCode()).isEqualTo(409);
        }

        assertThat(login("carol", PASSWORD, null).statusCode()).isEqualTo(303);
        AuditEvent event = audit(admin("helper").id()).getFirst();
        assertThat(event.action()).isEqualTo("admin.totp_reset");
        assertThat(event.target()).isEqualTo(carolId);
    }

    @Test
    void totpPageWhenNotSignedInOrWithoutTheTokenThenRefused() throws Exception {
        try (ConsoleHttp anonymous = new ConsoleHttp(server)) {
            HttpResponse<String> page = anonymous.get("/console/account/totp");
            assertThat(page.statusCode()).isEqualTo(303);
            assertThat(page.headers().firstValue("Location")).contains("/console/login");
        }
        try (ConsoleHttp dave = signedIn("dave", AdminRole.ADMIN, Set.of())) {
            String secret = dave.page("/console/account/totp").select("input[name=secret]").attr("value");
            HttpResponse<String> noToken = dave.post("/console/account/totp", "secret", secret,
                    "code", TotpCodes.at(secret, server.clock().instant()));
            assertThat(noToken.statusCode()).isEqualTo(403);
            HttpResponse<String> crossSite = dave.post("/console/account/totp",
                    List.of("Origin", "https://evil.example"),
                    "csrf", dave.csrf(), "secret", secret, "code", TotpCodes.at(secret, server.clock().instant()));
            assertThat(crossSite.statusCode()).isEqualTo(403);
            // A secret of the visitor's choosing must still be a real one.
            HttpResponse<String> weak = dave.post("/console/account/totp", "csrf", dave.csrf(), "current", PASSWORD, "secret", "AAAA",
                    "code", "123456");
            assertThat(weak.statusCode()).isEqualTo(400);
            assertThat(Jsoup.parse(weak.body()).select("input[name=secret]").attr("value")).matches("[A-Z2-7]{32}");
            assertThat(admin("dave").totpSecret()).isNull();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A new admin, signed in and past the forced password change. */
    private static ConsoleHttp signedIn(String username, AdminRole role, Set<Capability> capabilities) {
        String generated = server.app().adminOperations().administrators().create(Actor.cli(TestServer.TENANT),
                TestServer.TENANT, username, role, capabilities).password();
        ConsoleHttp console = new ConsoleHttp(server);
        assertThat(console.login(username, generated)).isEqualTo("/console/password");
        console.changePassword(generated, PASSWORD);
        return console;
    }

    /** Enrols through the page as a person would; returns the secret. */
    private static String enrol(ConsoleHttp console) throws Exception {
        String secret = console.page("/console/account/totp").select("input[name=secret]").attr("value");
        HttpResponse<String> response = console.post("/console/account/totp", "csrf", console.csrf(), "current", PASSWORD,
                "secret", secret, "code", TotpCodes.at(secret, server.clock().instant()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
        // The enrolling code's step is spent; the next sign-in uses the next one.
        server.clock().advance(Duration.ofSeconds(30));
        return secret;
    }

    private static HttpResponse<String> login(String username, String password, String code) {
        try (ConsoleHttp visitor = new ConsoleHttp(server)) {
            return code == null
                    ? visitor.post("/console/login", "tenant", TestServer.TENANT.value(), "username", username,
                            "password", password)
                    : visitor.post("/console/login", "tenant", TestServer.TENANT.value(), "username", username,
                            "password", password, "code", code);
        }
    }

    private static Admin admin(String username) {
        return server.app().store().admins().findByUsername(TestServer.TENANT, username).orElseThrow();
    }

    /** The events an actor caused, newest first. */
    private static List<AuditEvent> audit(String actor) {
        return server.app().adminOperations().audit().query(Actor.cli(TestServer.TENANT), TestServer.TENANT,
                new AuditRepository.Filter(actor, null, null, null, null), 0, 100).items();
    }
}
