package dev.tollgate.server.admin;

import dev.tollgate.server.Administration;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.admin.AdminApiFixture.Bearer;
import dev.tollgate.server.admin.AdminApiFixture.Caller;
import dev.tollgate.server.admin.AdminApiFixture.Response;
import dev.tollgate.server.admin.AdminApiFixture.Session;
import dev.tollgate.server.admin.AdminApiFixture.Snapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hostile caller sends the admin API: forged cross-site requests, server-owned fields,
 * another tenant's ids, malformed and oversized bodies, junk paths and parameters, markup in
 * names, planted session cookies and password guessing. Each is refused with a JSON error and the
 * exact status, never a 5xx, and leaves everything as it was.
 *
 * <p>Login throttling counts failures per address too, and every request here comes from
 * 127.0.0.1, so the throttling test runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiHostileInputTest {

    private static final TenantId TENANT = TestServer.TENANT;
    private static final TenantId OTHER = TenantId.of("20002");
    private static final String OTHER_CLIENT_NAME = "other-tenant-client-7731";
    private static final String OTHER_SCOPE = "other.only.scope";

    private static AdminApiFixture f;
    private static Session admin;
    private static Session second;
    private static Bearer ops;
    private static ClientId targetClient;
    private static String targetScope;
    private static Admin targetAdmin;
    private static ClientId otherClient;
    private static Admin otherAdmin;

    @BeforeAll
    static void start() {
        f = new AdminApiFixture(TestServer.embedded());
        Administration.of(f.server.app()).tenants.create(OTHER, "Other", TenantSettings.DEFAULTS);
        otherClient = f.createClient(OTHER, OTHER_CLIENT_NAME, "users:read").client().clientId();
        f.createScope(OTHER, OTHER_SCOPE, "only in the other tenant");
        otherAdmin = f.seedAdmin(OTHER, "other.admin", AdminRole.ADDITIONAL_ADMIN, Set.of(Capability.VIEW_AUDIT));

        admin = f.seedAndLogin(TENANT, "hostile.admin", AdminRole.ADMIN, Set.of());
        second = f.seedAndLogin(TENANT, "hostile.second", AdminRole.ADMIN, Set.of());
        ops = f.bearer(TENANT, "hostile ops", Arrays.stream(Capability.values()).map(c -> c.scope().value())
                .toArray(String[]::new));
        targetClient = f.createClient(TENANT, "hostile target", "users:read").client().clientId();
        Administration.of(f.server.app()).clients.rotateSecret(TENANT, targetClient, Duration.ofHours(1));
        targetScope = "hostile.target";
        f.createScope(TENANT, targetScope, "a scope to aim at");
        targetAdmin = f.seedAdmin(TENANT, "hostile.target", AdminRole.ADDITIONAL_ADMIN, Set.of(Capability.VIEW_AUDIT));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static String api() {
        return f.api(TENANT);
    }

    private static String origin() {
        return f.server.baseUrl();
    }

    // ---------------------------------------------------------------- CSRF

    enum Forgery { NO_TOKEN, WRONG_TOKEN, ANOTHER_SESSIONS_TOKEN, CROSS_SITE_ORIGIN, NULL_ORIGIN,
        SAME_HOST_OTHER_SCHEME_ORIGIN, SEC_FETCH_SITE_CROSS_SITE, SEC_FETCH_SITE_SAME_SITE }

    record Change(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static List<Change> changes() {
        return List.of(
                new Change("POST", "/clients", "{\"name\":\"forged\",\"allowed_scopes\":[\"users:read\"]}"),
                new Change("PATCH", "/clients/{client}", "{\"name\":\"forged\"}"),
                new Change("DELETE", "/clients/{client}", null),
                new Change("POST", "/clients/{client}/rotate-secret", null),
                new Change("POST", "/clients/{client}/revoke-previous-secret", null),
                new Change("POST", "/clients/{client}/revoke-tokens", null),
                new Change("POST", "/scopes", "{\"name\":\"forged.scope\",\"description\":\"forged\"}"),
                new Change("PATCH", "/scopes/{scope}", "{\"description\":\"forged\"}"),
                new Change("DELETE", "/scopes/{scope}", null),
                new Change("POST", "/admins", "{\"username\":\"forged\",\"role\":\"admin\"}"),
                new Change("PATCH", "/admins/{admin}", "{\"role\":\"admin\"}"),
                new Change("DELETE", "/admins/{admin}", null),
                new Change("POST", "/password", "{\"current_password\":\"" + AdminApiFixture.SEEDED_PASSWORD
                        + "\",\"new_password\":\"forged-password-0001\"}"),
                new Change("POST", "/logout", null));
    }

    static Stream<Arguments> forgeries() {
        return Arrays.stream(Forgery.values()).flatMap(forgery -> changes().stream().map(c -> Arguments.of(forgery, c)));
    }

    private static String resolve(String path) {
        return path.replace("{client}", targetClient.value()).replace("{scope}", targetScope)
                .replace("{admin}", targetAdmin.id());
    }

    @ParameterizedTest(name = "{1} with {0}")
    @MethodSource("forgeries")
    void sessionChangeWhenForgedOrMissingCsrfProofThen403AndNothingChanged(Forgery forgery, Change change) {
        Session caller = switch (forgery) {
            case NO_TOKEN -> admin.withCsrf(null);
            case WRONG_TOKEN -> admin.withCsrf(flipLast(admin.csrf()));
            case ANOTHER_SESSIONS_TOKEN -> admin.withCsrf(second.csrf());
            default -> admin;
        };
        String[] headers = switch (forgery) {
            case CROSS_SITE_ORIGIN -> new String[] {"Origin", "https://evil.example"};
            case NULL_ORIGIN -> new String[] {"Origin", "null"};
            // Same host and port, but https: another origin (RFC 6454), e.g. a page on a TLS front of the same host.
            case SAME_HOST_OTHER_SCHEME_ORIGIN -> new String[] {"Origin", origin().replaceFirst("^http:", "https:")};
            case SEC_FETCH_SITE_CROSS_SITE -> new String[] {"Sec-Fetch-Site", "cross-site"};
            case SEC_FETCH_SITE_SAME_SITE -> new String[] {"Sec-Fetch-Site", "same-site"};
            default -> new String[0];
        };
        Snapshot before = f.snapshot(TENANT);

        Response response = f.call(change.method(), api() + resolve(change.path()), caller, change.body(), headers);

        response.assertError(403, "csrf");
        assertThat(response.sessionCookie()).isNull();
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
        // The session itself is untouched: not logged out, password not changed.
        assertThat(f.call("GET", api() + "/clients", admin, null).status()).isEqualTo(200);
    }

    @Test
    void passwordChangeWhenCurrentPasswordWrongTooOftenThen429WithRetryAfterAndTheRightOneRefusedToo() {
        Session victim = f.seedAndLogin(TENANT, "rechecked.admin", AdminRole.ADMIN, Set.of());
        String wrong = "{\"current_password\":\"not-the-password\",\"new_password\":\"a-new-password-0123\"}";
        Response refused = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            refused = f.call("POST", f.api(TENANT) + "/password", victim, wrong);
            if (refused.status() != 400) {
                break;
            }
            assertThat(refused.json()).containsEntry("error", "invalid_request");
        }
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.json()).containsEntry("error", "too_many_attempts");
        assertThat(refused.raw().headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isPositive());

        Response right = f.call("POST", f.api(TENANT) + "/password", victim, "{\"current_password\":\""
                + AdminApiFixture.SEEDED_PASSWORD + "\",\"new_password\":\"a-new-password-0123\"}");
        assertThat(right.status()).as(right.body()).isEqualTo(429);
    }

    @Test
    void sessionReadsWhenWithoutCsrfTokenThen200() {
        Session noToken = admin.withCsrf(null);
        for (String path : List.of("/clients", "/clients/" + targetClient.value(), "/scopes", "/scopes/" + targetScope,
                "/admins", "/admins/" + targetAdmin.id(), "/audit", "/clients/" + targetClient.value() + "/issuance")) {
            Response response = f.call("GET", api() + path, noToken, null);
            assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(200);
        }
    }

    @Test
    void sessionChangeWhenFromTheSameOriginWithCsrfTokenThenAccepted() {
        Response response = f.call("POST", api() + "/scopes", admin,
                "{\"name\":\"same.origin\",\"description\":\"fine\"}",
                "Origin", origin(), "Sec-Fetch-Site", "same-origin");

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(f.store().scopes().find(TENANT, new ScopeName("same.origin"))).isPresent();
    }

    @Test
    void loginWhenFromAnotherSiteThen403AndNoSession() {
        for (String[] headers : List.of(new String[] {"Origin", "https://evil.example"},
                new String[] {"Sec-Fetch-Site", "cross-site"})) {
            Response response = f.loginResponse(TENANT, "hostile.second", AdminApiFixture.SEEDED_PASSWORD, headers);

            response.assertError(403, "csrf");
            assertThat(response.sessionCookie()).isNull();
        }
    }

    @Test
    void sessionCookieWhenSentUnderAnotherAuthorizationSchemeThen401AndNothingChanged() {
        Snapshot before = f.snapshot(TENANT);

        Response response = f.call("DELETE", api() + "/clients/" + targetClient.value(), admin, null,
                "Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("a:b".getBytes(StandardCharsets.UTF_8)));

        response.assertError(401, null);
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    // ---------------------------------------------------------------- mass assignment

    private static final Map<String, String> SERVER_OWNED = Map.ofEntries(
            Map.entry("tenant", "\"20002\""),
            Map.entry("tenant_id", "\"20002\""),
            Map.entry("client_id", "\"chosen-by-caller\""),
            Map.entry("client_secret", "\"chosen-secret-0123456789\""),
            Map.entry("secrets", "[{\"id\":\"x\",\"hash\":\"y\"}]"),
            Map.entry("created_at", "\"2000-01-01T00:00:00Z\""),
            Map.entry("updated_at", "\"2000-01-01T00:00:00Z\""),
            Map.entry("default_credential", "true"),
            Map.entry("builtin", "\"DEFAULT\""),
            Map.entry("auth_methods", "[\"none\"]"),
            Map.entry("id", "\"123e4567-e89b-12d3-a456-426614174000\""),
            Map.entry("username", "\"renamed\""),
            Map.entry("password", "\"chosen-password-0123\""),
            Map.entry("password_hash", "\"pbkdf2-sha256$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA\""),
            Map.entry("must_change_password", "false"),
            Map.entry("totp_secret", "\"JBSWY3DPEHPK3PXP\""),
            Map.entry("name", "\"renamed\""));

    static Stream<Arguments> massAssignments() {
        List<Arguments> cases = new ArrayList<>();
        for (String field : List.of("tenant", "tenant_id", "client_id", "client_secret", "secrets", "created_at",
                "updated_at", "default_credential", "builtin", "auth_methods", "id")) {
            cases.add(Arguments.of("POST", "/clients", "{\"name\":\"mass\",\"allowed_scopes\":[\"users:read\"]", field));
            cases.add(Arguments.of("PATCH", "/clients/{client}", "{\"name\":\"mass\"", field));
        }
        cases.add(Arguments.of("POST", "/clients/{client}/rotate-secret", "{\"overlap_seconds\":60", "client_secret"));
        for (String field : List.of("tenant", "id", "created_at")) {
            cases.add(Arguments.of("POST", "/scopes", "{\"name\":\"mass.scope\"", field));
        }
        cases.add(Arguments.of("PATCH", "/scopes/{scope}", "{\"description\":\"mass\"", "name"));
        cases.add(Arguments.of("PATCH", "/scopes/{scope}", "{\"description\":\"mass\"", "tenant"));
        for (String field : List.of("tenant", "id", "password", "password_hash", "must_change_password",
                "totp_secret", "created_at")) {
            cases.add(Arguments.of("POST", "/admins", "{\"username\":\"mass.admin\",\"role\":\"additional_admin\"", field));
        }
        for (String field : List.of("tenant", "id", "username", "password", "password_hash", "must_change_password",
                "totp_secret")) {
            cases.add(Arguments.of("PATCH", "/admins/{admin}", "{\"capabilities\":[\"manage_admins\"]", field));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} with {3}")
    @MethodSource("massAssignments")
    void bodyWhenServerOwnedFieldThen400NamingItAndNothingChanged(String method, String path, String validPrefix,
                                                                 String field) {
        Snapshot before = f.snapshot(TENANT);
        String body = validPrefix + ",\"" + field + "\":" + SERVER_OWNED.get(field) + "}";

        for (Caller caller : List.of(admin, ops)) {
            Response response = f.call(method, api() + resolve(path), caller, body);

            response.assertError(400, "invalid_request");
            assertThat(response.fields()).as(response.body()).containsOnlyKeys(field);
            assertThat(response.body()).doesNotContain("chosen-secret", "chosen-password");
        }
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    // ---------------------------------------------------------------- another tenant's objects

    static Stream<Arguments> anotherTenantsObjects() {
        return Stream.of(
                Arguments.of("GET", "/clients/{other-client}", null),
                Arguments.of("PATCH", "/clients/{other-client}", "{\"name\":\"taken over\"}"),
                Arguments.of("DELETE", "/clients/{other-client}", null),
                Arguments.of("POST", "/clients/{other-client}/rotate-secret", null),
                Arguments.of("POST", "/clients/{other-client}/revoke-previous-secret", null),
                Arguments.of("POST", "/clients/{other-client}/revoke-tokens", null),
                Arguments.of("GET", "/clients/{other-client}/issuance", null),
                Arguments.of("GET", "/scopes/{other-scope}", null),
                Arguments.of("PATCH", "/scopes/{other-scope}", "{\"description\":\"taken over\"}"),
                Arguments.of("DELETE", "/scopes/{other-scope}", null),
                Arguments.of("GET", "/admins/{other-admin}", null),
                Arguments.of("PATCH", "/admins/{other-admin}", "{\"role\":\"admin\"}"),
                Arguments.of("DELETE", "/admins/{other-admin}", null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("anotherTenantsObjects")
    void anotherTenantsIdWhenThroughThisTenantsPathThen404LikeAnUnknownIdAndNothingChanged(String method, String path,
                                                                                       String body) {
        Snapshot before = f.snapshot(TENANT);
        Snapshot otherBefore = f.snapshot(OTHER);
        String otherId = path.contains("client") ? otherClient.value()
                : path.contains("scope") ? OTHER_SCOPE : otherAdmin.id();
        String unknownId = path.contains("client") ? "00000000-0000-4000-8000-000000000000"
                : path.contains("scope") ? "never.defined" : "00000000-0000-4000-8000-000000000000";
        String template = path.replaceAll("\\{other-[a-z]+}", "ID");

        for (Caller caller : List.of(admin, ops)) {
            Response response = f.call(method, api() + template.replace("ID", otherId), caller, body);
            Response unknown = f.call(method, api() + template.replace("ID", unknownId), caller, body);

            response.assertError(404, "not_found");
            assertThat(response.json()).containsOnlyKeys("error", "error_description");
            assertThat(response.body()).doesNotContain(OTHER_CLIENT_NAME, "20002", "other.admin");
            assertThat(response.body().replace(otherId, "ID")).isEqualTo(unknown.body().replace(unknownId, "ID"));
        }
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
        assertThat(f.snapshot(OTHER)).isEqualTo(otherBefore);
    }

    @Test
    void listsWhenAnotherTenantHasObjectsThenShowNothingOfThem() {
        for (String path : List.of("/clients?limit=100", "/scopes", "/admins", "/audit?limit=100")) {
            Response response = f.call("GET", api() + path, admin, null);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).doesNotContain(OTHER_CLIENT_NAME, otherClient.value(), OTHER_SCOPE,
                    otherAdmin.id());
        }
    }

    // ---------------------------------------------------------------- malformed input

    record Bad(String name, String method, String path, String body, String contentType, int status, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String JSON = "application/json";
    private static final String OK_CLIENT = "{\"name\":\"ok\",\"allowed_scopes\":[\"users:read\"]}";

    static Stream<Bad> malformed() {
        String hundredAndOneScopes = Stream.generate(() -> "\"users:read\"").limit(101)
                .collect(Collectors.joining(",", "[", "]"));
        return Stream.of(
                new Bad("unterminated JSON", "POST", "/clients", "{\"name\":\"x\"", JSON, 400, null),
                new Bad("JSON array body", "POST", "/clients", "[]", JSON, 400, null),
                new Bad("empty body", "POST", "/clients", "", JSON, 400, null),
                new Bad("JSON null body", "POST", "/clients", "null", JSON, 400, null),
                new Bad("JSON string body", "POST", "/clients", "\"name\"", JSON, 400, null),
                new Bad("trailing garbage", "POST", "/clients", OK_CLIENT + "{}", JSON, 400, null),
                new Bad("text/plain", "POST", "/clients", OK_CLIENT, "text/plain", 415, null),
                new Bad("form content type", "POST", "/clients", "name=ok", "application/x-www-form-urlencoded", 415, null),
                new Bad("Latin-1 charset", "POST", "/clients", OK_CLIENT, "application/json; charset=ISO-8859-1", 415, null),
                new Bad("no content type", "POST", "/clients", OK_CLIENT, null, 415, null),
                new Bad("scopes not an array", "POST", "/clients", "{\"name\":\"x\",\"allowed_scopes\":\"users:read\"}",
                        JSON, 400, "allowed_scopes"),
                new Bad("scopes of numbers", "POST", "/clients", "{\"name\":\"x\",\"allowed_scopes\":[1,2]}", JSON, 400,
                        "allowed_scopes"),
                new Bad("scope with a space", "POST", "/clients", "{\"name\":\"x\",\"allowed_scopes\":[\"a b\"]}", JSON,
                        400, "allowed_scopes"),
                new Bad("101 scopes", "POST", "/clients", "{\"name\":\"x\",\"allowed_scopes\":" + hundredAndOneScopes
                        + "}", JSON, 400, "allowed_scopes"),
                new Bad("unknown scope", "POST", "/clients", "{\"name\":\"x\",\"allowed_scopes\":[\"nope:never\"]}", JSON,
                        400, null),
                new Bad("default scope not allowed", "POST", "/clients",
                        "{\"name\":\"x\",\"allowed_scopes\":[\"users:read\"],\"default_scopes\":[\"users:write\"]}",
                        JSON, 400, null),
                new Bad("name a number", "POST", "/clients", "{\"name\":42}", JSON, 400, "name"),
                new Bad("name an object", "POST", "/clients", "{\"name\":{\"$gt\":\"\"}}", JSON, 400, "name"),
                new Bad("name missing", "POST", "/clients", "{\"allowed_scopes\":[]}", JSON, 400, "name"),
                new Bad("name blank", "POST", "/clients", "{\"name\":\"   \"}", JSON, 400, null),
                new Bad("name too long", "POST", "/clients", "{\"name\":\"" + "n".repeat(201) + "\"}", JSON, 400, null),
                new Bad("name with NUL", "POST", "/clients", "{\"name\":\"a\\u0000b\"}", JSON, 400, null),
                new Bad("name with newline", "POST", "/clients", "{\"name\":\"a\\nforged log line\"}", JSON, 400, null),
                new Bad("ttl a string", "POST", "/clients", "{\"name\":\"x\",\"token_ttl_seconds\":\"3600\"}", JSON, 400,
                        "token_ttl_seconds"),
                new Bad("ttl a fraction", "POST", "/clients", "{\"name\":\"x\",\"token_ttl_seconds\":1.5}", JSON, 400,
                        "token_ttl_seconds"),
                new Bad("ttl huge", "POST", "/clients", "{\"name\":\"x\",\"token_ttl_seconds\":1e30}", JSON, 400,
                        "token_ttl_seconds"),
                new Bad("ttl below minimum", "POST", "/clients", "{\"name\":\"x\",\"token_ttl_seconds\":30}", JSON, 400,
                        null),
                new Bad("audience with a space", "POST", "/clients", "{\"name\":\"x\",\"audiences\":[\"a b\"]}", JSON, 400,
                        null),
                new Bad("deeply nested value", "POST", "/clients", "{\"name\":" + "[".repeat(20_000)
                        + "]".repeat(20_000) + "}", JSON, 400, null),
                new Bad("enabled a string", "PATCH", "/clients/{client}", "{\"enabled\":\"yes\"}", JSON, 400, "enabled"),
                new Bad("name null in patch", "PATCH", "/clients/{client}", "{\"name\":null}", JSON, 400, "name"),
                new Bad("patch as text/plain", "PATCH", "/clients/{client}", "{\"name\":\"x\"}", "text/plain", 415, null),
                new Bad("overlap negative", "POST", "/clients/{client}/rotate-secret", "{\"overlap_seconds\":-1}", JSON,
                        400, "overlap_seconds"),
                new Bad("overlap a string", "POST", "/clients/{client}/rotate-secret", "{\"overlap_seconds\":\"60\"}",
                        JSON, 400, "overlap_seconds"),
                new Bad("overlap over 30 days", "POST", "/clients/{client}/rotate-secret",
                        "{\"overlap_seconds\":2592001}", JSON, 400, "overlap_seconds"),
                new Bad("rotate as text/plain", "POST", "/clients/{client}/rotate-secret", "{}", "text/plain", 415, null),
                new Bad("scope name with a space", "POST", "/scopes", "{\"name\":\"a b\"}", JSON, 400, "name"),
                new Bad("scope name too long", "POST", "/scopes", "{\"name\":\"" + "s".repeat(129) + "\"}", JSON, 400,
                        "name"),
                new Bad("scope description too long", "POST", "/scopes",
                        "{\"name\":\"long.description\",\"description\":\"" + "d".repeat(501) + "\"}", JSON, 400, null),
                new Bad("scope description a number", "POST", "/scopes", "{\"name\":\"num.desc\",\"description\":5}",
                        JSON, 400, "description"),
                new Bad("scope already defined", "POST", "/scopes", "{\"name\":\"users:read\"}", JSON, 409, null),
                new Bad("delete built-in scope", "DELETE", "/scopes/admin:view_audit", null, null, 409, null),
                new Bad("delete scope a client holds", "DELETE", "/scopes/users:read", null, null, 409, null),
                new Bad("unknown capability", "POST", "/admins",
                        "{\"username\":\"cap.admin\",\"capabilities\":[\"superuser\"]}", JSON, 400, "capabilities"),
                new Bad("capabilities not an array", "POST", "/admins",
                        "{\"username\":\"cap.admin\",\"capabilities\":\"view_audit\"}", JSON, 400, "capabilities"),
                new Bad("unknown role", "POST", "/admins", "{\"username\":\"role.admin\",\"role\":\"root\"}", JSON, 400,
                        "role"),
                new Bad("username with markup", "POST", "/admins", "{\"username\":\"<img src=x onerror=alert(1)>\"}",
                        JSON, 400, null),
                new Bad("username empty", "POST", "/admins", "{\"username\":\"\"}", JSON, 400, null),
                new Bad("username taken in another case", "POST", "/admins", "{\"username\":\"HOSTILE.ADMIN\"}", JSON,
                        409, null),
                new Bad("unknown capability in patch", "PATCH", "/admins/{admin}", "{\"capabilities\":[\"root\"]}", JSON,
                        400, "capabilities"),
                new Bad("unknown role in patch", "PATCH", "/admins/{admin}", "{\"role\":\"owner\"}", JSON, 400, "role"),
                new Bad("limit zero", "GET", "/clients?limit=0", null, null, 400, "limit"),
                new Bad("limit over maximum", "GET", "/clients?limit=101", null, null, 400, "limit"),
                new Bad("limit not a number", "GET", "/clients?limit=ten", null, null, 400, "limit"),
                new Bad("offset negative", "GET", "/clients?offset=-1", null, null, 400, "offset"),
                new Bad("offset beyond int", "GET", "/clients?offset=99999999999", null, null, 400, "offset"),
                new Bad("repeated limit", "GET", "/clients?limit=1&limit=2", null, null, 400, "limit"),
                new Bad("repeated search", "GET", "/clients?q=a&q=b", null, null, 400, "q"),
                new Bad("unknown parameter", "GET", "/clients?tenant=20002", null, null, 400, "tenant"),
                new Bad("audit from not an instant", "GET", "/audit?from=yesterday", null, null, 400, "from"),
                new Bad("audit to out of range", "GET", "/audit?to=2026-13-45T00:00:00Z", null, null, 400, "to"),
                new Bad("audit repeated actor", "GET", "/audit?actor=a&actor=b", null, null, 400, "actor"),
                new Bad("audit limit zero", "GET", "/audit?limit=0", null, null, 400, "limit"),
                new Bad("issuance zero hours", "GET", "/clients/{client}/issuance?hours=0", null, null, 400, "hours"),
                new Bad("issuance too many hours", "GET", "/clients/{client}/issuance?hours=745", null, null, 400,
                        "hours"),
                new Bad("method not allowed", "PUT", "/clients", OK_CLIENT, JSON, 405, null),
                new Bad("method not allowed on a client", "POST", "/clients/{client}", OK_CLIENT, JSON, 405, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void requestWhenMalformedThenJsonErrorWithExactStatusAndNothingChanged(Bad bad) {
        Snapshot before = f.snapshot(TENANT);

        Response response = f.call(bad.method(), api() + resolve(bad.path()), admin, bad.body(),
                "Content-Type", bad.contentType());

        response.assertError(bad.status(), bad.status() == 409 ? "conflict" : "invalid_request");
        if (bad.field() != null) {
            assertThat(response.fields()).as(response.body()).containsKey(bad.field());
        }
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    record SeveralBad(String name, String method, String path, String body, Set<String> fields) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<SeveralBad> severalBadFields() {
        return Stream.of(
                new SeveralBad("create client", "POST", "/clients",
                        "{\"name\":42,\"allowed_scopes\":[\"a b\"],\"token_ttl_seconds\":-5,\"tenant\":\"20002\"}",
                        Set.of("name", "allowed_scopes", "token_ttl_seconds", "tenant")),
                new SeveralBad("update client", "PATCH", "/clients/{client}",
                        "{\"name\":null,\"enabled\":\"yes\",\"audiences\":\"api\",\"token_ttl_seconds\":1.5}",
                        Set.of("name", "enabled", "audiences", "token_ttl_seconds")),
                new SeveralBad("rotate secret", "POST", "/clients/{client}/rotate-secret",
                        "{\"overlap_seconds\":-1,\"client_secret\":\"chosen-secret\"}",
                        Set.of("overlap_seconds", "client_secret")),
                new SeveralBad("create scope", "POST", "/scopes", "{\"name\":\"a b\",\"description\":5}",
                        Set.of("name", "description")),
                new SeveralBad("create admin", "POST", "/admins",
                        "{\"role\":\"root\",\"capabilities\":[\"superuser\"],\"password\":\"chosen-password\"}",
                        Set.of("username", "role", "capabilities", "password")),
                new SeveralBad("update admin", "PATCH", "/admins/{admin}",
                        "{\"role\":\"owner\",\"capabilities\":\"view_audit\"}", Set.of("role", "capabilities")),
                new SeveralBad("password change", "POST", "/password", "{\"new_password\":7}",
                        Set.of("current_password", "new_password")),
                new SeveralBad("list clients", "GET", "/clients?limit=0&offset=-1&tenant=20002", null,
                        Set.of("limit", "offset", "tenant")),
                new SeveralBad("audit", "GET", "/audit?from=yesterday&to=2026-13-45T00:00:00Z&limit=0", null,
                        Set.of("from", "to", "limit")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("severalBadFields")
    void requestWhenSeveralFieldsAreBadThenOne400NamingEveryOneAndNothingChanged(SeveralBad bad) {
        Snapshot before = f.snapshot(TENANT);

        Response response = f.call(bad.method(), api() + resolve(bad.path()), admin, bad.body());

        response.assertError(400, "invalid_request");
        assertThat(response.fields()).as(response.body()).containsOnlyKeys(bad.fields());
        assertThat(response.body()).doesNotContain("chosen-secret", "chosen-password");
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    @Test
    void bodyWhenOver64KiBThen413AndNothingChanged() {
        Snapshot before = f.snapshot(TENANT);
        byte[] body = ("{\"name\":\"" + "x".repeat(dev.tollgate.server.ServerConfig.DEFAULT_MAX_BODY_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);

        Response declared = f.send(HttpRequest.newBuilder(URI.create(api() + "/clients"))
                .header("Cookie", SessionCookie.NAME + "=" + admin.cookie())
                .header(AdminApiEndpoint.CSRF_HEADER, admin.csrf())
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        // No length up front: sent chunked, so only reading finds the size.
        Response chunked = f.send(HttpRequest.newBuilder(URI.create(api() + "/clients"))
                .header("Cookie", SessionCookie.NAME + "=" + admin.cookie())
                .header(AdminApiEndpoint.CSRF_HEADER, admin.csrf())
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        declared.assertError(413, "invalid_request");
        chunked.assertError(413, "invalid_request");
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    @Test
    void bodyWhenInvalidUtf8Then400AndNothingChanged() {
        Snapshot before = f.snapshot(TENANT);
        byte[] body = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

        Response response = f.send(HttpRequest.newBuilder(URI.create(api() + "/clients"))
                .header("Cookie", SessionCookie.NAME + "=" + admin.cookie())
                .header(AdminApiEndpoint.CSRF_HEADER, admin.csrf())
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        response.assertError(400, "invalid_request");
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    /** Raw request targets, sent over a socket as written: no client library normalises them first. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/clients/%2F", "/clients/a%2Fb", "/clients/..%2F..%2Fadmins", "/clients/%2e%2e", "/clients/%00",
            "/clients/%0d%0aSet-Cookie:%20x=y", "/clients/%3Cscript%3E", "/clients/%C3%28",
            "/clients/{client}%2Frotate-secret", "/clients/{client}/..", "/clients/{client}/x", "/clients/{client}/x/y",
            "/scopes/a%2Fb", "/scopes/%22", "/scopes/%5C", "/scopes/%20", "/admins/%2e%2e", "/admins/not-a-uuid",
            "/admins/%00", "/admins/{admin}%00", "/nothing-here", "/clients?limit=%00"})
    void pathOrQueryWhenJunkThen4xxJsonErrorAndNothingChanged(String path) {
        Snapshot before = f.snapshot(TENANT);
        for (String method : List.of("GET", "DELETE")) {
            String target = "/t/" + TENANT.value() + "/admin/api/v1" + resolve(path);

            RawResponse response = raw(method, target, admin);

            assertThat(response.status()).as(method + " " + target + ": " + response.body()).isBetween(400, 499);
            assertThat(response.contentType()).as(method + " " + target + ": " + response.body())
                    .startsWith("application/json");
            assertThat(response.body()).contains("\"error\"");
        }
        String longId = "/t/" + TENANT.value() + "/admin/api/v1/clients/" + "a".repeat(129);
        assertThat(raw("GET", longId, admin).status()).isEqualTo(404);
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    /**
     * Malformed percent-encoding is refused by the web server while it parses the request line,
     * before any route: a 400 without a body, which is still a refusal and changes nothing.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/clients/%ZZ", "/clients/%", "/clients/{client}/issuance?hours=%ZZ", "/clients?q=%ZZ",
            "/clients?%ZZ=1"})
    void percentEncodingWhenMalformedThen400AndNothingChanged(String path) {
        Snapshot before = f.snapshot(TENANT);
        for (String method : List.of("GET", "DELETE")) {
            String target = "/t/" + TENANT.value() + "/admin/api/v1" + resolve(path);

            assertThat(raw(method, target, admin).status()).as(method + " " + target).isEqualTo(400);
        }
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/t/%2e%2e/admin/api/v1/clients", "/t/10001%00/admin/api/v1/clients",
            "/t/99999/admin/api/v1/clients", "/t/10001%2Fadmin/admin/api/v1/clients", "/t/x/admin/api/v1/admins"})
    void tenantWhenJunkOrUnknownThen4xxAndNoData(String target) {
        RawResponse response = raw("GET", target, admin);

        assertThat(response.status()).as(target + ": " + response.body()).isBetween(400, 499);
        assertThat(response.body()).doesNotContain("client_id", "hostile");
    }

    // ---------------------------------------------------------------- markup in names

    @Test
    void clientNameAndScopeDescriptionWhenMarkupThenStoredAndReturnedVerbatimAsJsonStrings() {
        String markup = "<script>alert(\"x\")</script>\u2028&<img src=x onerror='alert(1)'>";
        Response created = f.call("POST", api() + "/clients", admin,
                "{\"name\":" + AdminApiFixture.quote(markup) + ",\"allowed_scopes\":[\"users:read\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = (String) created.json().get("client_id");
        Response scope = f.call("POST", api() + "/scopes", admin,
                "{\"name\":\"markup.scope\",\"description\":" + AdminApiFixture.quote(markup) + "}");
        assertThat(scope.status()).as(scope.body()).isEqualTo(201);

        assertThat(f.store().clients().find(TENANT, new ClientId(id)).orElseThrow().name()).isEqualTo(markup);
        assertThat(f.store().scopes().find(TENANT, new ScopeName("markup.scope")).orElseThrow().description())
                .isEqualTo(markup);
        for (String path : List.of("/clients/" + id, "/clients?q=script", "/scopes/markup.scope", "/scopes",
                "/audit?action=client.create&limit=1")) {
            Response response = f.call("GET", api() + path, admin, null);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json;charset=UTF-8");
            // The quote cannot end the JSON string early: it arrives escaped, and parses back to the markup.
            assertThat(response.body()).contains("alert(\\\"x\\\")").doesNotContain("alert(\"x\")");
            assertThat(containsValue(response.json(), markup)).as(path + ": " + response.body()).isTrue();
        }
        assertThat(f.call("GET", api() + "/clients/" + id, admin, null).json()).containsEntry("name", markup);
        assertThat(f.call("GET", api() + "/scopes/markup.scope", admin, null).json()).containsEntry("description",
                markup);
    }

    /** Whether some string anywhere in the JSON equals {@code value}. */
    private static boolean containsValue(Object node, String value) {
        if (node instanceof Map<?, ?> map) {
            return map.values().stream().anyMatch(v -> containsValue(v, value));
        }
        if (node instanceof List<?> list) {
            return list.stream().anyMatch(v -> containsValue(v, value));
        }
        if (node instanceof String s) {
            return s.equals(value);
        }
        return false;
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void loginWhenPlantedSessionCookieThenFreshIdAndThePlantedOneIsWorthless() {
        f.seedAdmin(TENANT, "fixation.victim", AdminRole.ADMIN, Set.of());
        Session attacker = f.seedAndLogin(TENANT, "fixation.attacker", AdminRole.ADMIN, Set.of());
        String madeUp = "planted-by-attacker-0123456789abcdefABCDEF_-";

        for (String planted : List.of(madeUp, attacker.cookie())) {
            Response login = f.loginResponse(TENANT, "fixation.victim", AdminApiFixture.SEEDED_PASSWORD,
                    "Cookie", SessionCookie.NAME + "=" + planted);

            assertThat(login.status()).as(login.body()).isEqualTo(200);
            Session victim = AdminApiFixture.session(login);
            assertThat(victim.cookie()).isNotEqualTo(planted).isNotBlank();
            assertThat(f.call("GET", api() + "/clients", new Session(planted, null, null), null).status())
                    .isEqualTo(401);
            assertThat(f.call("GET", api() + "/clients", victim, null).status()).isEqualTo(200);
        }
    }

    @Test
    void loginWhenSuccessfulThenSetsAnHttpOnlySameSiteStrictCookie() {
        Response login = f.loginResponse(TENANT, "hostile.second", AdminApiFixture.SEEDED_PASSWORD);

        assertThat(login.status()).isEqualTo(200);
        String cookie = login.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(SessionCookie.NAME + "=")).findFirst().orElseThrow();
        assertThat(cookie).contains("; HttpOnly", "; SameSite=Strict", "; Path=/");
        assertThat(login.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(login.body()).doesNotContain(login.sessionCookie());
    }

    @Test
    void logoutWhenDoneThenTheSessionCookieIsWorthless() {
        Session session = f.seedAndLogin(TENANT, "logout.admin", AdminRole.ADMIN, Set.of());
        assertThat(f.call("GET", api() + "/clients", session, null).status()).isEqualTo(200);

        Response logout = f.call("POST", api() + "/logout", session, null);

        assertThat(logout.status()).as(logout.body()).isEqualTo(204);
        assertThat(logout.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .startsWith(SessionCookie.NAME + "=;").contains("Max-Age=0"));
        f.call("GET", api() + "/clients", session, null).assertError(401, null);
        f.call("POST", api() + "/scopes", session, "{\"name\":\"after.logout\"}").assertError(401, null);
        f.call("POST", api() + "/logout", session, null).assertError(401, null);
        assertThat(f.store().scopes().find(TENANT, new ScopeName("after.logout"))).isEmpty();
    }

    // ---------------------------------------------------------------- the default credentials

    @Test
    void defaultCredentialsWhenDeletedEditedOrRotatedThenOnlyTheDeleteRefused() {
        List<ClientWithSecret> defaults = List.of(f.server.defaultClient(), f.server.microserviceClient());
        for (ClientWithSecret builtin : defaults) {
            String id = builtin.client().clientId().value();
            Snapshot before = f.snapshot(TENANT);

            for (Caller caller : List.of(admin, ops)) {
                f.call("DELETE", api() + "/clients/" + id, caller, null).assertError(409, "conflict");
            }
            assertThat(f.snapshot(TENANT)).isEqualTo(before);

            Response edited = f.call("PATCH", api() + "/clients/" + id, admin, "{\"name\":\"" + builtin.client().name()
                    + " (edited)\"}");
            assertThat(edited.status()).as(edited.body()).isEqualTo(200);
            assertThat(edited.json()).containsEntry("default_credential", true);

            Response rotated = f.call("POST", api() + "/clients/" + id + "/rotate-secret", ops, "{\"overlap_seconds\":600}");
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
            String secret = (String) rotated.json().get("client_secret");
            assertThat(secret).isNotBlank().isNotEqualTo(builtin.secret().reveal());
            assertThat(f.tokenResponse(TENANT, id, secret).status()).isEqualTo(200);
            assertThat(f.tokenResponse(TENANT, id, builtin.secret().reveal()).status()).as("old secret in the overlap")
                    .isEqualTo(200);
            ClientCredential stored = f.store().clients().find(TENANT, builtin.client().clientId()).orElseThrow();
            assertThat(stored.isBuiltin()).isTrue();
        }
    }

    // ---------------------------------------------------------------- password guessing: last, see the class comment

    @Test
    @Order(Integer.MAX_VALUE)
    void loginWhenRepeatedWrongPasswordsThen429WithRetryAfterAndTheRightPasswordIsRefusedToo() {
        f.seedAdmin(TENANT, "guessed.admin", AdminRole.ADMIN, Set.of());
        Response last = null;
        int attempts = 0;
        while (attempts < 12) {
            attempts++;
            last = f.loginResponse(TENANT, "guessed.admin", "wrong-guess-" + attempts);
            if (last.status() == 429) {
                break;
            }
            last.assertError(401, "invalid_credentials");
            assertThat(last.sessionCookie()).isNull();
        }

        last.assertError(429, "too_many_attempts");
        assertThat(attempts).isBetween(4, 6);
        assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v))
                .isPositive());
        Response right = f.loginResponse(TENANT, "guessed.admin", AdminApiFixture.SEEDED_PASSWORD);
        right.assertError(429, "too_many_attempts");
        assertThat(right.sessionCookie()).isNull();

        // The limit lifts once the window has passed without another failure.
        f.server.clock().advance(Duration.ofMinutes(16));
        assertThat(f.loginResponse(TENANT, "guessed.admin", AdminApiFixture.SEEDED_PASSWORD).status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- helpers

    private static String flipLast(String token) {
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    }

    record RawResponse(int status, String contentType, String body) {
    }

    private static String header(String head, String name) {
        return head.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith(name + ":"))
                .map(l -> l.substring(name.length() + 1).strip()).findFirst().orElse("");
    }

    /** One HTTP/1.1 request with the target exactly as given. */
    private static RawResponse raw(String method, String target, Session session) {
        try (Socket socket = new Socket("127.0.0.1", f.server.port())) {
            socket.setSoTimeout(10_000);
            String request = method + " " + target + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + f.server.port() + "\r\n"
                    + "Cookie: " + SessionCookie.NAME + "=" + session.cookie() + "\r\n"
                    + AdminApiEndpoint.CSRF_HEADER + ": " + session.csrf() + "\r\n"
                    + "Connection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream headBytes = new java.io.ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                headBytes.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String head = headBytes.toString(StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(head.substring(9, 12));
            String contentType = header(head, "content-type");
            String length = header(head, "content-length");
            byte[] body = length.isEmpty() ? new byte[0] : in.readNBytes(Integer.parseInt(length));
            return new RawResponse(status, contentType, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
