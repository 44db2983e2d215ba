package dev.tollgate.server.admin;

import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.TestCa;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.admin.AdminApiFixture.Caller;
import dev.tollgate.server.admin.AdminApiFixture.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static dev.tollgate.server.admin.AdminApiFixture.quote;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API's side of mutual TLS (RFC 8705): creating tls_client_auth and
 * self_signed_tls_client_auth clients (no secret), a client's TLS registration
 * ({@code PUT clients/{id}/tls}) and the tenant's CA bundle ({@code PATCH settings}); bad input is
 * a 400 naming the field and changes nothing; only a tenant admin changes the CA bundle.
 */
class AdminApiMutualTlsTest {

    private static final TenantId TENANT = TestServer.TENANT;

    @TempDir
    static Path dir;

    private static AdminApiFixture f;
    private static Caller admin;
    private static Caller credentialManager;
    private static TestCa ca;

    @BeforeAll
    static void start() throws Exception {
        f = new AdminApiFixture(TestServer.embedded());
        admin = f.seedAndLogin(TENANT, "mtls.admin", AdminRole.ADMIN, Set.of());
        credentialManager = f.seedAndLogin(TENANT, "mtls.manager", AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.MANAGE_CLIENT_CREDENTIALS));
        ca = TestCa.create(dir);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void createWhenTlsClientAuthWithOneSubjectFieldThenCreatedWithoutSecretAndBound() {
        Response created = f.call("POST", f.api(TENANT) + "/clients", admin, """
                {"name":"orders","token_endpoint_auth_method":"tls_client_auth",
                 "tls_client_auth_san_dns":"orders.example.com"}""");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json()).doesNotContainKey("client_secret")
                .containsEntry("token_endpoint_auth_method", "tls_client_auth")
                .containsEntry("tls_client_auth_san_dns", "orders.example.com")
                .containsEntry("tls_client_certificate_bound_access_tokens", true);
    }

    @Test
    void createWhenSelfSignedWithPemCertificateThenCreatedWithItsKey() throws Exception {
        Response created = f.call("POST", f.api(TENANT) + "/clients", admin,
                "{\"name\":\"self\",\"token_endpoint_auth_method\":\"self_signed_tls_client_auth\",\"jwks\":"
                        + quote(Files.readString(ca.serverPem())) + "}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        ClientCredential client = stored((String) created.json().get("client_id"));
        assertThat(client.tokenEndpointAuthMethod()).isEqualTo(ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH);
        assertThat(client.keys().inlineKeys()).hasSize(1);
    }

    @Test
    void createWhenTwoSubjectFieldsOrNoneOrABadDnThenBadRequestNamingTheFieldAndNoClient() {
        int before = f.store().clients().list(TENANT).size();

        f.call("POST", f.api(TENANT) + "/clients", admin, """
                {"name":"two","token_endpoint_auth_method":"tls_client_auth",
                 "tls_client_auth_san_dns":"a.example","tls_client_auth_san_uri":"https://a.example"}""")
                .assertError(400, null);
        Response none = f.call("POST", f.api(TENANT) + "/clients", admin,
                "{\"name\":\"none\",\"token_endpoint_auth_method\":\"tls_client_auth\"}").assertError(400, null);
        Response badDn = f.call("POST", f.api(TENANT) + "/clients", admin,
                "{\"name\":\"dn\",\"token_endpoint_auth_method\":\"tls_client_auth\","
                        + "\"tls_client_auth_subject_dn\":\"not a dn\"}").assertError(400, null);
        Response badMethod = f.call("POST", f.api(TENANT) + "/clients", admin,
                "{\"name\":\"m\",\"token_endpoint_auth_method\":\"client_secret_jwt\"}").assertError(400, null);

        assertThat(none.fields()).containsKey("tls_client_auth_subject_dn");
        assertThat(badDn.fields()).containsKey("tls_client_auth_subject_dn");
        assertThat(badMethod.fields()).containsKey("token_endpoint_auth_method");
        assertThat(f.store().clients().list(TENANT)).hasSize(before);
    }

    @Test
    void putTlsWhenSecretClientAsksForBoundTokensThenSetAndSubjectRefused() {
        Response created = f.call("POST", f.api(TENANT) + "/clients", admin, "{\"name\":\"billing\"}");
        String id = (String) created.json().get("client_id");

        Response bound = f.call("PUT", f.api(TENANT) + "/clients/" + id + "/tls", credentialManager,
                "{\"tls_client_certificate_bound_access_tokens\":true}");
        Response subject = f.call("PUT", f.api(TENANT) + "/clients/" + id + "/tls", admin,
                "{\"tls_client_auth_san_dns\":\"billing.example\"}").assertError(400, null);

        assertThat(bound.status()).as(bound.body()).isEqualTo(200);
        assertThat(bound.json()).containsEntry("tls_client_certificate_bound_access_tokens", true);
        assertThat(subject.fields()).containsKey("tls_client_auth_subject_dn");
        assertThat(stored(id).tls()).isEqualTo(new ClientTls(null, null, true));
    }

    @Test
    void patchSettingsWhenTenantAdminSetsCaBundleThenShownAndWhenGarbageThenBadRequestUnchanged() throws Exception {
        String pem = Files.readString(ca.caPem());

        Response set = f.call("PATCH", f.api(TENANT) + "/settings", admin,
                "{\"tls_client_ca_bundle\":" + quote(pem) + "}", "Content-Type", "application/merge-patch+json");
        Response garbage = f.call("PATCH", f.api(TENANT) + "/settings", admin,
                "{\"tls_client_ca_bundle\":" + quote(Files.readString(ca.serverKey())) + "}",
                "Content-Type", "application/merge-patch+json").assertError(400, null);

        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json()).containsEntry("tls_client_ca_bundle", pem.strip());
        assertThat(garbage.fields()).containsKey("tls_client_ca_bundle");
        assertThat(f.store().tenants().find(TENANT).orElseThrow().settings().clientCas().pem()).isEqualTo(pem.strip());
    }

    @Test
    void patchSettingsWhenCredentialManagerSetsCaBundleThenForbidden() throws Exception {
        String before = f.store().tenants().find(TENANT).orElseThrow().settings().clientCas().pem();

        f.call("PATCH", f.api(TENANT) + "/settings", credentialManager,
                "{\"tls_client_ca_bundle\":" + quote(Files.readString(ca.caPem())) + "}",
                "Content-Type", "application/merge-patch+json").assertError(403, null);

        assertThat(f.store().tenants().find(TENANT).orElseThrow().settings().clientCas().pem()).isEqualTo(before);
    }

    private static ClientCredential stored(String id) {
        return f.store().clients().find(TENANT, new ClientId(id)).orElseThrow();
    }
}
