package dev.tollgate.server;

import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.DeviceTokens;
import dev.tollgate.server.admin.DeviceCookie;
import dev.tollgate.server.config.TrustedProxies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, point 5, over real HTTP on 127.0.0.1: guesses at the predictable {@code admin}
 * username from one address lock the account, yet the admin's correct password from a browser
 * that signed in before (the {@code tollgate_device} cookie) gets in, at the console form and the
 * admin API alike; without the cookie, or with one that is not that admin's, it is still 429. The
 * server trusts 127.0.0.1 as a proxy, so {@code X-Forwarded-For} is each request's address.
 */
class AdminLockoutTest {

    private static final String ATTACKER = "203.0.113.66";
    private static final String OFFICE = "198.51.100.10";
    private static final String HOTEL = "192.0.2.77";

    private TestServer server;
    private String password;

    @BeforeEach
    void start() {
        server = TestServer.embedded(b -> b.trustedProxies(TrustedProxies.of(List.of("127.0.0.1"))));
        password = server.app().adminAccounts().bootstrap(TENANT).orElseThrow().password();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void consoleLoginWhenAccountLockedByGuessesElsewhereThenAKnownDeviceGetsInAndOthersGet429() {
        HttpResponse<String> first = consoleLogin(OFFICE, password, null);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(303);
        String device = deviceCookie(first).orElseThrow();
        lockTheAccountFrom(ATTACKER);

        HttpResponse<String> known = consoleLogin(HOTEL, password, device);
        assertThat(known.statusCode()).as(known.body()).isEqualTo(303);
        assertThat(deviceCookie(known)).isPresent();
        assertThat(known.headers().allValues("Set-Cookie")).anyMatch(h -> h.startsWith("tollgate_session="));

        HttpResponse<String> unknown = consoleLogin(HOTEL, password, null);
        assertThat(unknown.statusCode()).isEqualTo(429);
        assertThat(unknown.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void apiLoginWhenAccountLockedByGuessesElsewhereThenAKnownDeviceGetsInAndOthersGet429() {
        HttpResponse<String> first = apiLogin(OFFICE, password, null);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String device = deviceCookie(first).orElseThrow();
        lockTheAccountFrom(ATTACKER);

        HttpResponse<String> known = apiLogin(HOTEL, password, device);
        assertThat(known.statusCode()).isEqualTo(200);
        // Both cookies: the session to work with, the device renewed for the next sign-in.
        assertThat(known.headers().allValues("Set-Cookie"))
                .anyMatch(h -> h.startsWith("tollgate_session="))
                .anyMatch(h -> h.startsWith(DeviceCookie.NAME + "="));
        HttpResponse<String> unknown = apiLogin(HOTEL, password, null);
        assertThat(unknown.statusCode()).isEqualTo(429);
        assertThat(unknown.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void loginWhenAccountLockedAndTheDeviceCookieIsForgedOrAnotherAdminsThenNoBypass() {
        assertThat(consoleLogin(OFFICE, password, null).statusCode()).isEqualTo(303);
        lockTheAccountFrom(ATTACKER);
        byte[] key = server.app().store().installation().find(Tollgate.DEVICE_COOKIE_KEY).orElseThrow();
        String anotherAdmins = new DeviceTokens(key, server.clock()).issue(TENANT, UUID.randomUUID().toString(), null);
        String otherKey = new DeviceTokens(DeviceTokens.newKey(), server.clock())
                .issue(TENANT, server.app().store().admins().list(TENANT).getFirst().id(), null);

        assertThat(consoleLogin(HOTEL, password, anotherAdmins).statusCode()).isEqualTo(429);
        assertThat(consoleLogin(HOTEL, password, otherKey).statusCode()).isEqualTo(429);
        assertThat(apiLogin(HOTEL, password, anotherAdmins).statusCode()).isEqualTo(429);
    }

    @Test
    void deviceCookieWhenSetThenHttpOnlySameSiteStrictPathRootAndAYearLong() {
        HttpResponse<String> response = consoleLogin(OFFICE, password, null);

        String header = response.headers().allValues("Set-Cookie").stream()
                .filter(h -> h.startsWith(DeviceCookie.NAME + "=")).findFirst().orElseThrow();
        assertThat(header).contains("; Path=/").contains("; HttpOnly").contains("; SameSite=Strict")
                .contains("; Max-Age=" + Duration.ofDays(365).toSeconds())
                // Plain HTTP here; Secure is added when served over TLS.
                .doesNotContain("Secure");
    }

    /** Ten wrong passwords for {@code admin}, 30 s apart (past each delay): the account is refused for 15 min. */
    private void lockTheAccountFrom(String address) {
        for (int i = 0; i < 10; i++) {
            assertThat(consoleLogin(address, "wrong password " + i, null).statusCode()).isEqualTo(403);
            server.clock().advance(Duration.ofSeconds(30));
        }
        assertThat(consoleLogin(address, password, null).statusCode()).isEqualTo(429);
    }

    private HttpResponse<String> consoleLogin(String from, String pass, String device) {
        String form = "tenant=" + TENANT.value() + "&username=" + AdminAccounts.BOOTSTRAP_USERNAME
                + "&password=" + URLEncoder.encode(pass, StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/console/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        return send(request, from, device);
    }

    private HttpResponse<String> apiLogin(String from, String pass, String device) {
        String json = "{\"username\":\"" + AdminAccounts.BOOTSTRAP_USERNAME + "\",\"password\":\"" + pass + "\"}";
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/t/" + TENANT.value() + "/admin/api/v1/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        return send(request, from, device);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String from, String device) {
        request.header("Origin", server.baseUrl()).header("X-Forwarded-For", from);
        if (device != null) {
            request.header("Cookie", DeviceCookie.NAME + "=" + device);
        }
        return server.send(request.timeout(Duration.ofSeconds(10)).build());
    }

    private static Optional<String> deviceCookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(h -> h.startsWith(DeviceCookie.NAME + "="))
                .map(h -> h.substring(DeviceCookie.NAME.length() + 1, h.indexOf(';')))
                .findFirst();
    }
}
