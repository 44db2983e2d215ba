package dev.tollgate.server.admin;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.admin.AdminApiFixture.Caller;
import dev.tollgate.server.admin.AdminApiFixture.Response;
import dev.tollgate.server.admin.AdminApiFixture.Snapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the admin API lets a caller put in a client that its tokens then carry (issue 11, point 8):
 * a credential manager who is not a tenant admin gives only the authorities and audiences the
 * tenant lists (400 naming the field otherwise, nothing changed), a tenant admin any; and the
 * introspection permission, off unless asked for, is set and shown like every other setting.
 */
class AdminApiClientValuesTest {

    private static final TenantId TENANT = TestServer.TENANT;
    private static final AtomicInteger SEQ = new AtomicInteger();

    private static AdminApiFixture f;
    private static Caller admin;
    private static Caller credentialManager;
    private static Caller credentialManagerToken;

    @BeforeAll
    static void start() {
        f = new AdminApiFixture(TestServer.embedded());
        admin = f.seedAndLogin(TENANT, "values.admin", AdminRole.ADMIN, Set.of());
        credentialManager = f.seedAndLogin(TENANT, "values.manager", AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.MANAGE_CLIENT_CREDENTIALS));
        credentialManagerToken = f.bearer(TENANT, "values-automation",
                Capability.MANAGE_CLIENT_CREDENTIALS.scope().value());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @BeforeEach
    void listReaderRoleAndOrdersApi() {
        f.server.app().adminOperations().tenants().updateSettings(Actor.cli(TENANT), TENANT,
                s -> s.withAllowedAuthorities(List.of("ROLE_READER")).withAllowedAudiences(List.of("urn:orders")));
    }

    @Test
    void createWhenCredentialManagerSetsUnlistedAuthorityAndAudienceThenBadRequestNamingBothAndNothingChanged() {
        for (Caller caller : List.of(credentialManager, credentialManagerToken)) {
            Snapshot before = f.snapshot(TENANT);

            Response response = f.call("POST", f.api(TENANT) + "/clients", caller, "{\"name\":\"" + name()
                    + "\",\"authorities\":[\"ROLE_ADMIN\"],\"audiences\":[\"urn:payments\"]}");

            response.assertError(400, "invalid_request");
            assertThat(response.fields()).containsOnlyKeys("authorities", "audiences");
            assertThat((String) response.fields().get("authorities")).contains("ROLE_ADMIN");
            assertThat(f.snapshot(TENANT)).isEqualTo(before);
        }
    }

    @Test
    void updateWhenCredentialManagerAddsUnlistedAuthorityThenBadRequestAndClientUnchanged() {
        String id = create(admin, "{\"name\":\"" + name() + "\"}").json().get("client_id").toString();
        Snapshot before = f.snapshot(TENANT);

        Response response = f.call("PATCH", f.api(TENANT) + "/clients/" + id, credentialManager,
                "{\"authorities\":[\"ROLE_READER\",\"ROLE_ADMIN\"]}");

        response.assertError(400, "invalid_request");
        assertThat(response.fields()).containsOnlyKeys("authorities");
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    @Test
    void createWhenCredentialManagerSetsListedValuesThenCreatedAndTenantAdminSetsAny() {
        Response listed = create(credentialManager, "{\"name\":\"" + name()
                + "\",\"authorities\":[\"ROLE_READER\"],\"audiences\":[\"urn:orders\"]}");
        Response any = create(admin, "{\"name\":\"" + name()
                + "\",\"authorities\":[\"ROLE_ADMIN\"],\"audiences\":[\"urn:payments\"]}");

        assertThat(listed.json()).containsEntry("authorities", List.of("ROLE_READER"));
        assertThat(any.json()).containsEntry("authorities", List.of("ROLE_ADMIN"));
        assertThat(any.json()).containsEntry("audiences", List.of("urn:payments"));
    }

    @Test
    void createWhenIntrospectionAskedForThenGrantedAndShownAndPatchWithdrawsIt() {
        Response plain = create(credentialManager, "{\"name\":\"" + name() + "\"}");
        Response permitted = create(credentialManager, "{\"name\":\"" + name() + "\",\"introspection\":true}");
        String id = permitted.json().get("client_id").toString();

        assertThat(plain.json()).containsEntry("introspection", false);
        assertThat(permitted.json()).containsEntry("introspection", true);
        assertThat(f.call("GET", f.api(TENANT) + "/clients/" + id, credentialManager, null).json())
                .containsEntry("introspection", true);

        Response withdrawn = f.call("PATCH", f.api(TENANT) + "/clients/" + id, credentialManager,
                "{\"introspection\":false}");

        assertThat(withdrawn.status()).as(withdrawn.body()).isEqualTo(200);
        assertThat(withdrawn.json()).containsEntry("introspection", false);
    }

    @Test
    void createWhenIntrospectionNotABooleanThenBadRequestNamingItAndNothingCreated() {
        Snapshot before = f.snapshot(TENANT);

        Response response = f.call("POST", f.api(TENANT) + "/clients", admin, "{\"name\":\"" + name()
                + "\",\"introspection\":\"yes\"}");

        response.assertError(400, "invalid_request");
        assertThat(response.fields()).containsOnlyKeys("introspection");
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    @Test
    void settingsWhenTenantAdminReplacesTheListsThenCredentialManagerReadsAndUsesThemAtOnce() {
        Response patched = f.call("PATCH", f.api(TENANT) + "/settings", admin,
                "{\"allowed_authorities\":[\"ROLE_AUDITOR\"]}");

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json()).containsEntry("allowed_authorities", List.of("ROLE_AUDITOR"))
                .containsEntry("allowed_audiences", List.of("urn:orders"));
        assertThat(f.call("GET", f.api(TENANT) + "/settings", credentialManager, null).json())
                .containsEntry("allowed_authorities", List.of("ROLE_AUDITOR"));
        create(credentialManager, "{\"name\":\"" + name() + "\",\"authorities\":[\"ROLE_AUDITOR\"]}");
        f.call("POST", f.api(TENANT) + "/clients", credentialManager, "{\"name\":\"" + name()
                + "\",\"authorities\":[\"ROLE_READER\"]}").assertError(400, "invalid_request");
    }

    @Test
    void settingsWhenCredentialManagerWidensItsOwnListsThenForbiddenAndNothingChanged() {
        for (Caller caller : List.of(credentialManager, credentialManagerToken)) {
            Snapshot before = f.snapshot(TENANT);

            Response response = f.call("PATCH", f.api(TENANT) + "/settings", caller,
                    "{\"allowed_authorities\":[\"ROLE_ADMIN\"]}");

            response.assertError(403, null);
            assertThat(f.snapshot(TENANT)).isEqualTo(before);
            assertThat(f.server.app().store().tenants().find(TENANT).orElseThrow().settings().allowedAuthorities())
                    .containsExactly("ROLE_READER");
        }
    }

    @Test
    void settingsWhenValuesMalformedThenBadRequestNamingEachFieldAndNothingChanged() {
        Snapshot before = f.snapshot(TENANT);

        Response response = f.call("PATCH", f.api(TENANT) + "/settings", admin,
                "{\"allowed_authorities\":[\"ROLE A\"],\"allowed_audiences\":[\"\"],\"default_audience\":\"x\"}");
        Response typed = f.call("PATCH", f.api(TENANT) + "/settings", admin, "{\"allowed_audiences\":\"urn:x\"}");

        response.assertError(400, "invalid_request");
        assertThat(response.fields()).containsKey("default_audience");
        typed.assertError(400, "invalid_request");
        assertThat(typed.fields()).containsOnlyKeys("allowed_audiences");
        Response values = f.call("PATCH", f.api(TENANT) + "/settings", admin,
                "{\"allowed_authorities\":[\"ROLE A\"],\"allowed_audiences\":[\"\"]}");
        values.assertError(400, "invalid_request");
        assertThat(values.fields()).containsOnlyKeys("allowed_authorities", "allowed_audiences");
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
        assertThat(f.server.app().store().tenants().find(TENANT).orElseThrow().settings().allowedAudiences())
                .containsExactly("urn:orders");
    }

    @Test
    void settingsWhenTenantAdminSetsTheKeyRotationIntervalThenShownStoredAndOffTurnsItOff() {
        assertThat(f.call("GET", f.api(TENANT) + "/settings", credentialManager, null).json())
                .containsEntry("key_rotation_interval", "P90D");

        Response weekly = f.call("PATCH", f.api(TENANT) + "/settings", admin, "{\"key_rotation_interval\":\"P7D\"}");
        Duration stored = f.server.app().store().tenants().find(TENANT).orElseThrow().settings().keyRotationInterval();
        Response off = f.call("PATCH", f.api(TENANT) + "/settings", admin, "{\"key_rotation_interval\":\"off\"}");
        Duration storedOff = f.server.app().store().tenants().find(TENANT).orElseThrow().settings().keyRotationInterval();
        Response hours = f.call("PATCH", f.api(TENANT) + "/settings", admin, "{\"key_rotation_interval\":\"PT12H\"}");
        Response removed = f.call("PATCH", f.api(TENANT) + "/settings", admin, "{\"key_rotation_interval\":null}");
        Response restored = f.call("PATCH", f.api(TENANT) + "/settings", admin, "{\"key_rotation_interval\":\"P90D\"}");

        assertThat(weekly.status()).as(weekly.body()).isEqualTo(200);
        assertThat(weekly.json()).containsEntry("key_rotation_interval", "P7D")
                .containsEntry("allowed_audiences", List.of("urn:orders"));
        assertThat(stored).isEqualTo(Duration.ofDays(7));
        assertThat(off.json()).containsEntry("key_rotation_interval", "off");
        assertThat(storedOff).isNull();
        assertThat(hours.json()).containsEntry("key_rotation_interval", "PT12H");
        assertThat(removed.json()).containsEntry("key_rotation_interval", "off");
        assertThat(restored.json()).containsEntry("key_rotation_interval", "P90D");
    }

    @Test
    void settingsWhenKeyRotationIntervalMalformedOrOutOfBoundsThenBadRequestNamingItAndNothingChanged() {
        Snapshot before = f.snapshot(TENANT);
        Duration interval = f.server.app().store().tenants().find(TENANT).orElseThrow().settings().keyRotationInterval();

        for (String value : List.of("\"PT59M\"", "\"P3651D\"", "\"-PT2H\"", "\"soon\"", "\"\"", "42", "[\"P1D\"]")) {
            Response response = f.call("PATCH", f.api(TENANT) + "/settings", admin,
                    "{\"key_rotation_interval\":" + value + ",\"allowed_audiences\":[\"urn:other\"]}");

            response.assertError(400, "invalid_request");
            assertThat(response.fields()).as(value).containsOnlyKeys("key_rotation_interval");
        }

        assertThat(f.snapshot(TENANT)).isEqualTo(before);
        assertThat(f.server.app().store().tenants().find(TENANT).orElseThrow().settings())
                .satisfies(s -> assertThat(s.keyRotationInterval()).isEqualTo(interval))
                .satisfies(s -> assertThat(s.allowedAudiences()).containsExactly("urn:orders"));
    }

    @Test
    void settingsWhenCredentialManagerChangesTheKeyRotationIntervalThenForbiddenAndNothingChanged() {
        for (Caller caller : List.of(credentialManager, credentialManagerToken)) {
            Response response = f.call("PATCH", f.api(TENANT) + "/settings", caller,
                    "{\"key_rotation_interval\":\"off\"}");

            response.assertError(403, null);
            assertThat(f.server.app().store().tenants().find(TENANT).orElseThrow().settings().keyRotationInterval())
                    .isEqualTo(Duration.ofDays(90));
        }
    }

    private static Response create(Caller caller, String body) {
        Response response = f.call("POST", f.api(TENANT) + "/clients", caller, body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response;
    }

    private static String name() {
        return "values client " + SEQ.incrementAndGet();
    }
}
